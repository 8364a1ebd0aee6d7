/** The query language's front end: lexer, recursive-descent parser, syntax tree and its errors. */
package dev.aeon.query.lang;
