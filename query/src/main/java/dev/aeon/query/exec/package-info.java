/** The query language's back end: planner (index choice), push-based operators, evaluator and results. */
package dev.aeon.query.exec;
