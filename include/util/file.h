/*
 * Reading a whole file the user named (a kernel, an initrd, a firmware
 * image) with errors that say which and why.
 */
#ifndef UTIL_FILE_H
#define UTIL_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/error.h"

/*
 * Read the file at path into a new buffer (*buf, *len; free() it). what
 * names the file in errors ("kernel", "initrd"); a file larger than
 * max_size bytes is refused. On failure *buf is NULL.
 */
bool file_load(const char *path, const char *what, uint64_t max_size, uint8_t **buf, size_t *len,
               Error **errp);

#endif
