package dev.assetgrid.shared.pipeline;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.assetgrid.shared.state.TaskType;
import java.util.List;
import java.util.UUID;

/**
 * A task of a job's plan: what the planner decides and the store inserts.
 *
 * @param id the task's id (time-ordered, see {@code Ids.newId})
 * @param name unique within its job, e.g. {@code inspect} or {@code compress-texture-3}
 * @param type what runs it
 * @param params the stage's options as the node receives them, never null
 * @param dependsOn ids of tasks of the same job that must succeed first, never null; empty for a
 *     task that is ready at once
 */
public record PlannedTask(
    UUID id, String name, TaskType type, ObjectNode params, List<UUID> dependsOn) {}
