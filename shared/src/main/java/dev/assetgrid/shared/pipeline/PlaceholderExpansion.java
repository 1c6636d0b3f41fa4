package dev.assetgrid.shared.pipeline;

import java.util.List;
import java.util.UUID;

/**
 * How a job's plan changes when a placeholder task is replaced by the tasks it stands for (the
 * texture fan-out: one compress-texture task per image once inspect has listed the images).
 *
 * @param placeholder id of the task that is removed
 * @param added the new tasks; each waits only for the task whose result planned them, which
 *     succeeds in the same transaction, so they are ready at once
 * @param rewired the tasks that waited for the placeholder, each with its new {@code dependsOn}
 *     (the placeholder replaced by {@code added}); other fields as they were
 */
public record PlaceholderExpansion(
    UUID placeholder, List<PlannedTask> added, List<PlannedTask> rewired) {}
