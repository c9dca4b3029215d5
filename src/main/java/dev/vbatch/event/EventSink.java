package dev.vbatch.event;

/** Receives the core's events. Implementations must be thread-safe. */
@FunctionalInterface
public interface EventSink {
  void emit(Event event);

  default void info(String message) {
    emit(new Event.Log(Event.Level.INFO, message));
  }

  default void warn(String message) {
    emit(new Event.Log(Event.Level.WARN, message));
  }

  default void error(String message) {
    emit(new Event.Log(Event.Level.ERROR, message));
  }

  default void debug(String message) {
    emit(new Event.Log(Event.Level.DEBUG, message));
  }

  EventSink NONE = event -> {};
}
