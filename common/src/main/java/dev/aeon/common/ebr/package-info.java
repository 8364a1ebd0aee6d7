/**
 * Epoch-based reclamation: readers enter and leave epochs without ever failing or blocking, writers retire
 * resources (mapped memory, pages) that are closed once no reader can still see them.
 */
package dev.aeon.common.ebr;
