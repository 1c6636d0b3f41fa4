package dev.assetgrid.shared.stage;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Params of a {@code convert} task: the {@link ConvertOptions} members, plus two the coordinator
 * sets from the upload.
 *
 * @param format the sniffed format's wire name (e.g. {@code obj}); null lets the importer detect
 *     the format from the content. Set by the planner.
 * @param filename the client's file name, for readers that look for files named after the model;
 *     null when unknown
 * @param options how to convert
 */
public record ConvertParams(String format, String filename, ConvertOptions options)
    implements StageParams {
  public ConvertParams {
    options = options == null ? ConvertOptions.DEFAULTS : options;
  }

  public static ConvertParams read(OptionReader r) {
    return new ConvertParams(
        r.text("format", null), r.text("filename", null), ConvertOptions.read(r));
  }

  @Override
  public ObjectNode toJson() {
    ObjectNode o = options.toJson();
    if (format != null) {
      o.put("format", format);
    }
    if (filename != null) {
      o.put("filename", filename);
    }
    return o;
  }
}
