package dev.assetgrid.shared.protocol;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** Small helpers for the records' JSON forms. */
final class Json {
  private Json() {}

  static <T> JsonArray array(List<T> items, Function<T, Object> f) {
    JsonArray a = new JsonArray();
    for (T t : items) {
      a.add(f.apply(t));
    }
    return a;
  }

  static <T> List<T> objects(JsonArray a, Function<JsonObject, T> f) {
    List<T> out = new ArrayList<>();
    if (a != null) {
      for (int i = 0; i < a.size(); i++) {
        out.add(f.apply(a.getJsonObject(i)));
      }
    }
    return List.copyOf(out);
  }

  static List<String> strings(JsonArray a) {
    List<String> out = new ArrayList<>();
    if (a != null) {
      for (int i = 0; i < a.size(); i++) {
        out.add(a.getString(i));
      }
    }
    return List.copyOf(out);
  }
}
