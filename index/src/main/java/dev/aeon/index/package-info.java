/**
 * Atlas: the page-clustered INT8 vector index.
 */
package dev.aeon.index;
