/**
 * Pieces every module shares: file framing and checksums, typed storage errors, epoch-based reclamation,
 * the user's cache folder.
 */
package dev.aeon.common;
