package dev.assetgrid.client.http;

import dev.assetgrid.client.ClientException;
import dev.assetgrid.client.ExitCode;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import javax.net.ssl.SSLException;

/**
 * The server could not be reached or the connection broke ({@link ExitCode#UNAVAILABLE}). The
 * sentence says which, in words, from the kind of I/O failure: never the JDK's own message.
 */
public final class Unreachable extends ClientException {
  private Unreachable(String sentence, Throwable cause) {
    super(ExitCode.UNAVAILABLE, sentence, cause);
  }

  /** The failure of a request to {@code target}, in one sentence. */
  public static Unreachable of(URI target, IOException e) {
    String where = target.getScheme() + "://" + target.getAuthority();
    String sentence;
    if (causedBy(e, SSLException.class)) {
      sentence =
          "the TLS handshake with "
              + where
              + " failed; if it uses a self-signed certificate, give it with --tls-trust FILE";
    } else if (e instanceof HttpConnectTimeoutException) {
      sentence = "connecting to " + where + " timed out; is --url right?";
    } else if (e instanceof HttpTimeoutException) {
      sentence = where + " did not answer in time";
    } else if (causedBy(e, ConnectException.class)) {
      sentence =
          "cannot connect to "
              + where
              + " (connection refused); is the coordinator running and --url right?";
    } else if (e instanceof UnknownHostException) {
      sentence = "the host of " + where + " is not known; is --url right?";
    } else {
      sentence = "the connection to " + where + " broke off before the request was done";
    }
    return new Unreachable(sentence, e);
  }

  private static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
    for (Throwable c = e; c != null; c = c.getCause()) {
      if (type.isInstance(c)) {
        return true;
      }
    }
    return false;
  }
}
