/*
 * util/log.c: -d item parsing and writing the log to a -D file.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tap.h"
#include "util/log.h"

/* Read a whole small file into a static buffer ("" if unreadable). */
static const char *slurp(const char *path)
{
    static char buf[4096];
    FILE *f = fopen(path, "r");
    size_t n = 0;

    buf[0] = 0;
    if (f) {
        n = fread(buf, 1, sizeof(buf) - 1, f);
        fclose(f);
    }
    buf[n] = 0;
    return buf;
}

int main(void)
{
    static const struct {
        const char *name;
        int mask;
    } items[] = {
        { "in_asm", LOG_IN_ASM },   { "op", LOG_OP },       { "op_opt", LOG_OP_OPT },
        { "out_asm", LOG_OUT_ASM }, { "exec", LOG_EXEC },   { "int", LOG_INT },
        { "strace", LOG_STRACE },   { "unimp", LOG_UNIMP }, { "guest_errors", LOG_GUEST_ERROR },
        { "cpu", LOG_CPU },
    };
    char path[] = "/tmp/tern-test-log-XXXXXX";
    int fd;
    int all = 0;

    for (size_t i = 0; i < sizeof(items) / sizeof(items[0]); i++) {
        int got = log_parse_items(items[i].name);
        tap_ok(got == items[i].mask, "'%s' parses to 0x%x (got 0x%x)", items[i].name, items[i].mask,
               got);
        all |= items[i].mask;
    }
    tap_ok(log_parse_items("in_asm,op,out_asm") == (LOG_IN_ASM | LOG_OP | LOG_OUT_ASM),
           "combined items are or-ed together");
    tap_ok(log_parse_items("op,op") == LOG_OP, "a repeated item is harmless");
    tap_ok(log_parse_items("in_asm,op,op_opt,out_asm,exec,int,strace,unimp,guest_errors,cpu") ==
               all,
           "all items together");
    tap_ok(log_parse_items("bogus") == -1, "an unknown item gives -1");
    tap_ok(log_parse_items("in_asm,bogus") == -1, "an unknown item after a valid one gives -1");
    tap_ok(log_parse_items("in") == -1, "a prefix of an item is not the item");
    tap_ok(log_parse_items("in_asmx") == -1, "an item with a suffix is not the item");
    tap_ok(log_parse_items("in_asm,") == -1, "a trailing comma is an error");
    tap_ok(log_parse_items("") == -1, "an empty list is an error");
    tap_ok(log_parse_items(NULL) == -1, "NULL is an error");

    tap_ok(log_file == stderr, "the log goes to stderr by default");
    log_mask = log_parse_items("int");
    tap_ok(log_enabled(LOG_INT) && !log_enabled(LOG_EXEC), "log_enabled follows log_mask");

    fd = mkstemp(path);
    tap_ok(fd >= 0, "temporary log file created");
    close(fd);
    tap_ok(log_set_file(path), "log_set_file opens %s", path);
    log_mask_printf(LOG_INT, "int %d\n", 13);
    log_mask_printf(LOG_EXEC, "exec must not appear\n");
    log_lock();
    log_printf("block %s\n", "line");
    log_unlock();
    tap_ok(log_set_file("-"), "log_set_file(\"-\") goes back to stderr");
    tap_ok(log_file == stderr, "log_file is stderr again");
    {
        const char *text = slurp(path);
        tap_ok(strcmp(text, "int 13\nblock line\n") == 0,
               "the log file holds exactly what was logged");
        if (strcmp(text, "int 13\nblock line\n") != 0) {
            tap_diag("log file: '%s'", text);
        }
    }
    unlink(path);
    tap_ok(!log_set_file("/nonexistent-dir/x/log"), "an unopenable log file is refused");
    tap_ok(log_file == stderr, "and the log stays where it was");
    return tap_done();
}
