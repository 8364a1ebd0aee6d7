package dev.aeon.engine;

import java.util.List;

/**
 * The table a query returns: column names and rows of values (null, String, Long, Double, Boolean,
 * float[], List, Map, {@link Event} for a node, {@link Link} for a relationship).
 */
public record QueryResult(List<String> columns, List<List<Object>> rows) {}
