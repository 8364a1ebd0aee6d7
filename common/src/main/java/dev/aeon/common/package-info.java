/**
 * Pieces every module shares: file framing and checksums, typed storage errors, epoch-based reclamation.
 */
package dev.aeon.common;
