/* Whole-file reads for user-named files (see util/file.h). */
#include "util/file.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

bool file_load(const char *path, const char *what, uint64_t max_size, uint8_t **buf, size_t *len,
               Error **errp)
{
    FILE *f = fopen(path, "rb");
    long size;

    *buf = NULL;
    *len = 0;
    if (!f) {
        error_setg_errno(errp, errno, "cannot open %s '%s'", what, path);
        return false;
    }
    if (fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0) {
        error_setg_errno(errp, errno, "cannot read %s '%s'", what, path);
        fclose(f);
        return false;
    }
    if ((uint64_t)size > max_size) {
        error_setg(errp, "%s '%s' is %ld bytes: at most %llu are accepted", what, path, size,
                   (unsigned long long)max_size);
        fclose(f);
        return false;
    }
    *buf = malloc(size ? (size_t)size : 1);
    if (!*buf || fread(*buf, 1, (size_t)size, f) != (size_t)size) {
        error_setg(errp, "cannot read %s '%s'", what, path);
        free(*buf);
        *buf = NULL;
        fclose(f);
        return false;
    }
    fclose(f);
    *len = (size_t)size;
    return true;
}
