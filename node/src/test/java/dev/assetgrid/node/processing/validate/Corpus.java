package dev.assetgrid.node.processing.validate;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Locates ../shared/corpus: system property {@code assetgrid.corpus}, else relative to the project root. */
final class Corpus {
    private Corpus() {
    }

    static Path dir() {
        String prop = System.getProperty("assetgrid.corpus");
        List<Path> candidates = new java.util.ArrayList<>();
        if (prop != null && !prop.isBlank()) {
            candidates.add(Path.of(prop));
        }
        candidates.add(Path.of("..", "shared", "corpus"));
        candidates.add(Path.of("..", "..", "shared", "corpus"));
        for (Path p : candidates) {
            if (Files.isDirectory(p)) {
                return p.toAbsolutePath().normalize();
            }
        }
        assumeTrue(false, "test corpus not found (set -Dassetgrid.corpus or check out ../shared/corpus); skipping");
        return null;
    }
}
