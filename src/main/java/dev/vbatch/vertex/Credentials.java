package dev.vbatch.vertex;

import com.google.auth.oauth2.GoogleCredentials;
import java.io.IOException;

/** Application Default Credentials, checked before anything is staged so a missing login is one clear line. */
public final class Credentials {
  private Credentials() {}

  public static void requireApplicationDefault() {
    try {
      GoogleCredentials.getApplicationDefault();
    } catch (IOException e) {
      throw new CloudException("UNAUTHENTICATED", "no Application Default Credentials: run 'gcloud auth application-default login', "
          + "or set GOOGLE_APPLICATION_CREDENTIALS to a service account key file", e);
    }
  }
}
