/*
 * The null backend: output is discarded, there is never input. Always
 * open, so a frontend sees CHR_EVENT_OPENED.
 */
#include "chardev-internal.h"

static bool null_open(Chardev *chr, ChardevOpts *opts, bool *be_opened, Error **errp)
{
    return true;
}

static int null_write(Chardev *chr, const uint8_t *buf, int len)
{
    return len;
}

const ChardevClass char_null_class = {
    .name = "null",
    .instance_size = sizeof(Chardev),
    .open = null_open,
    .chr_write = null_write,
};
