/**
 * On-disk layout of blob arena generation files: header and frame descriptors with named offsets.
 */
package dev.aeon.blob.format;
