package dev.assetgrid.node.natives;

import static org.lwjgl.system.MemoryUtil.NULL;
import static org.lwjgl.system.MemoryUtil.memASCIISafe;
import static org.lwjgl.system.MemoryUtil.memAddress;
import static org.lwjgl.system.MemoryUtil.memCopy;
import static org.lwjgl.system.MemoryUtil.memUTF8Safe;

import dev.assetgrid.node.processing.gltf.ResourceResolver;
import dev.assetgrid.shared.error.AssetGridException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.lwjgl.assimp.AIFile;
import org.lwjgl.assimp.AIFileCloseProc;
import org.lwjgl.assimp.AIFileFlushProc;
import org.lwjgl.assimp.AIFileIO;
import org.lwjgl.assimp.AIFileOpenProc;
import org.lwjgl.assimp.AIFileReadProc;
import org.lwjgl.assimp.AIFileSeek;
import org.lwjgl.assimp.AIFileTellProc;
import org.lwjgl.assimp.AIFileWriteProc;

/**
 * The only file system Assimp sees during one import: the model itself (from memory, under its
 * presented name) and side files from a {@link ResourceResolver}, read-only. Names that leave the
 * upload ({@code ..}, absolute paths) are refused the same way missing files are (open returns
 * NULL), so a hostile MTL cannot read {@code /etc/passwd}.
 *
 * <p>Every callback catches everything: an exception must never unwind through native frames. All
 * native memory (file structs, data copies, callbacks) is released by {@link #close()}, including
 * files Assimp forgot to close.
 */
final class AssimpFileSystem implements AutoCloseable {
  private static final int AI_SUCCESS = 0;
  private static final int AI_FAILURE = -1;

  private final String mainName;
  private final ByteBuffer main;
  private final ResourceResolver resolver;
  private final long maxSideBytes;
  private final Map<Long, OpenFile> open = new HashMap<>();
  private final Set<String> read = new LinkedHashSet<>();
  private final Set<String> missing = new LinkedHashSet<>();
  private final List<AutoCloseable> callbacks = new ArrayList<>();
  private final AIFileIO io;
  private final AIFileReadProc readProc;
  private final AIFileWriteProc writeProc;
  private final AIFileTellProc tellProc;
  private final AIFileTellProc sizeProc;
  private final AIFileSeek seekProc;
  private final AIFileFlushProc flushProc;

  /** An open file: its AIFile struct and its bytes. */
  private static final class OpenFile {
    final AIFile file;
    final ByteBuffer data;
    final boolean owned;
    long position;

    OpenFile(AIFile file, ByteBuffer data, boolean owned) {
      this.file = file;
      this.data = data;
      this.owned = owned;
    }
  }

  /**
   * @param mainName normalized name of the model (a plain relative name)
   * @param source the model's bytes; copied to native memory
   */
  AssimpFileSystem(String mainName, byte[] source, ResourceResolver resolver, long maxSideBytes) {
    this.mainName = mainName;
    this.resolver = resolver;
    this.maxSideBytes = maxSideBytes;
    this.main = NativeMemory.bytes(Math.max(1, source.length));
    main.put(source).flip();
    try {
      readProc = track(AIFileReadProc.create(this::read));
      writeProc = track(AIFileWriteProc.create((f, b, s, c) -> 0));
      tellProc = track(AIFileTellProc.create(this::tell));
      sizeProc = track(AIFileTellProc.create(this::size));
      seekProc = track(AIFileSeek.create(this::seek));
      flushProc = track(AIFileFlushProc.create(f -> {}));
      AIFileOpenProc openProc = track(AIFileOpenProc.create(this::open));
      AIFileCloseProc closeProc = track(AIFileCloseProc.create(this::closeFile));
      io = AIFileIO.calloc().OpenProc(openProc).CloseProc(closeProc).UserData(NULL);
    } catch (RuntimeException | Error e) {
      close();
      throw e;
    }
  }

  AIFileIO io() {
    return io;
  }

  /** Side files the importer read, in order (normalized names). */
  Set<String> sideFilesRead() {
    return read;
  }

  /** Side files the importer asked for but that were absent or refused. */
  Set<String> sideFilesMissing() {
    return missing;
  }

  private <T extends AutoCloseable> T track(T callback) {
    callbacks.add(callback);
    return callback;
  }

  private long open(long fileIO, long fileNamePtr, long modePtr) {
    try {
      String name = memUTF8Safe(fileNamePtr);
      String mode = memASCIISafe(modePtr);
      if (name == null
          || mode == null
          || mode.contains("w")
          || mode.contains("a")
          || mode.contains("+")) {
        return NULL;
      }
      String normalized;
      try {
        normalized = ResourceResolver.normalize(name);
      } catch (AssetGridException refused) {
        missing.add(name);
        return NULL;
      }
      ByteBuffer data;
      boolean owned;
      if (normalized.equals(mainName)) {
        data = main;
        owned = false;
      } else {
        byte[] bytes;
        try {
          bytes = resolver.read(normalized, maxSideBytes);
        } catch (AssetGridException refusedOrTooLarge) {
          missing.add(normalized);
          return NULL;
        }
        if (bytes == null) {
          missing.add(normalized);
          return NULL;
        }
        data = NativeMemory.bytes(Math.max(1, bytes.length));
        data.put(bytes).flip();
        owned = true;
        read.add(normalized);
      }
      AIFile file =
          AIFile.calloc()
              .ReadProc(readProc)
              .WriteProc(writeProc)
              .TellProc(tellProc)
              .FileSizeProc(sizeProc)
              .SeekProc(seekProc)
              .FlushProc(flushProc)
              .UserData(NULL);
      open.put(file.address(), new OpenFile(file, data, owned));
      return file.address();
    } catch (Throwable t) {
      return NULL;
    }
  }

  private void closeFile(long fileIO, long filePtr) {
    try {
      OpenFile f = open.remove(filePtr);
      if (f != null) {
        release(f);
      }
    } catch (Throwable ignored) {
      // never unwind into native code
    }
  }

  private long read(long filePtr, long buffer, long size, long count) {
    try {
      OpenFile f = open.get(filePtr);
      if (f == null || buffer == NULL || size <= 0 || count <= 0) {
        return 0;
      }
      long available = f.data.limit() - f.position;
      long n = Math.min(count, available / size);
      if (n <= 0) {
        return 0;
      }
      memCopy(memAddress(f.data) + f.position, buffer, n * size);
      f.position += n * size;
      return n;
    } catch (Throwable t) {
      return 0;
    }
  }

  private long tell(long filePtr) {
    OpenFile f = open.get(filePtr);
    return f == null ? 0 : f.position;
  }

  private long size(long filePtr) {
    OpenFile f = open.get(filePtr);
    return f == null ? 0 : f.data.limit();
  }

  private int seek(long filePtr, long offset, int origin) {
    try {
      OpenFile f = open.get(filePtr);
      if (f == null) {
        return AI_FAILURE;
      }
      long base =
          switch (origin) {
            case 0 -> 0; // aiOrigin_SET
            case 1 -> f.position; // aiOrigin_CUR
            case 2 -> f.data.limit(); // aiOrigin_END
            default -> -1;
          };
      if (base < 0) {
        return AI_FAILURE;
      }
      long target = base + offset;
      if (target < 0 || target > f.data.limit()) {
        return AI_FAILURE;
      }
      f.position = target;
      return AI_SUCCESS;
    } catch (Throwable t) {
      return AI_FAILURE;
    }
  }

  private static void release(OpenFile f) {
    f.file.free();
    if (f.owned) {
      NativeMemory.free(f.data);
    }
  }

  private boolean closed;

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (OpenFile f : open.values()) {
      release(f);
    }
    open.clear();
    if (io != null) {
      io.free();
    }
    for (AutoCloseable c : callbacks) {
      try {
        c.close();
      } catch (Exception ignored) {
        // Callback.close only frees memory
      }
    }
    callbacks.clear();
    NativeMemory.free(main);
  }
}
