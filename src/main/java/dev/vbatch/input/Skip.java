package dev.vbatch.input;

/** Why an item is not sent: a short reason code and a message a person can act on. */
public record Skip(String reason, String message) {}
