package dev.vbatch.testing;

import com.google.cloud.WriteChannel;
import com.google.cloud.storage.Storage;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The in-memory Storage of the tests made to commit a write as one step, as Cloud Storage does.
 * LocalStorageHelper checks a write's generation precondition when the writer opens and commits it
 * when it closes, so two threads could both pass the check; here a writer holds one lock from open to
 * close, and reads wait for it, so preconditions decide races as they do on the real service.
 */
public final class AtomicWrites {
  private AtomicWrites() {}

  public static Storage of(Storage storage) {
    ReentrantLock lock = new ReentrantLock();
    InvocationHandler handler = (proxy, method, args) -> {
      boolean writer = method.getName().equals("writer") && method.getReturnType() == WriteChannel.class;
      lock.lock();
      try {
        Object result = invoke(storage, method, args);
        if (writer) {
          lock.lock(); // held again until the channel closes
          return closingUnlocks((WriteChannel) result, lock);
        }
        return result;
      } finally {
        lock.unlock();
      }
    };
    return (Storage) Proxy.newProxyInstance(Storage.class.getClassLoader(), new Class<?>[] {Storage.class}, handler);
  }

  private static WriteChannel closingUnlocks(WriteChannel channel, ReentrantLock lock) {
    InvocationHandler handler = (proxy, method, args) -> {
      try {
        return invoke(channel, method, args);
      } finally {
        if (method.getName().equals("close")) {
          lock.unlock();
        }
      }
    };
    return (WriteChannel) Proxy.newProxyInstance(WriteChannel.class.getClassLoader(), new Class<?>[] {WriteChannel.class},
        handler);
  }

  private static Object invoke(Object target, Method method, Object[] args) throws Throwable {
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }
}
