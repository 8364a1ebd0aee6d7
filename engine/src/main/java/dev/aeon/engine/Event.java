package dev.aeon.engine;

import java.util.Map;

/**
 * One remembered event, as read back.
 *
 * @param id the engine-assigned id, increasing in the order events were remembered
 * @param session the session (conversation) it belongs to
 * @param role its role: user, assistant, system, tool, observation, summary, or a user-defined role
 * @param timestampMicros epoch microseconds, given or assigned at remember time
 * @param text the full text
 * @param hasVector whether it is in the vector index
 * @param attributes small attribute map (String, Long/Double, Boolean values)
 */
public record Event(long id, String session, String role, long timestampMicros, String text,
    boolean hasVector, Map<String, Object> attributes) {}
