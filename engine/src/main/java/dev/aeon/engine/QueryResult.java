package dev.aeon.engine;

import java.util.List;

/** The table a query returns: column names and rows of values (String, Long, Double, Boolean, List, Event). */
public record QueryResult(List<String> columns, List<List<Object>> rows) {}
