/**
 * PersistentLog: a durable append-only log with tailing readers in other JVMs and head truncation.
 *
 * <p>Not yet built: this module is a placeholder in the module graph of DESIGN.md section 1
 * and is filled by later issues.
 */
package io.regionpm.log;
