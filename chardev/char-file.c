/*
 * The file and pipe backends.
 *
 * file,path=OUT[,in=IN][,append=on]: output goes to OUT (truncated unless
 * append=on); with in= (or input-path=), input is read from IN until its
 * end, which the frontend sees as CHR_EVENT_CLOSED.
 *
 * pipe,path=P: talks through P.in (our input) and P.out (our output) if
 * both exist, else through P both ways; the named pipes must exist.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "chardev-internal.h"

static bool file_open(Chardev *chr, ChardevOpts *opts, bool *be_opened, Error **errp)
{
    ChardevFd *s = (ChardevFd *)chr;
    const char *path = chardev_opt_get(opts, "path");
    const char *in = chardev_opt_get(opts, "in");
    Error *local_err = NULL;
    bool append;
    int fd_out, fd_in = -1;

    if (!in) {
        in = chardev_opt_get(opts, "input-path");
    }
    append = chardev_opt_get_bool(opts, "append", false, &local_err);
    if (local_err) {
        error_propagate(errp, local_err);
        return false;
    }
    if (!path || !path[0]) {
        error_setg(errp, "chardev: file: missing path");
        return false;
    }
    fd_out = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | (append ? O_APPEND : O_TRUNC), 0666);
    if (fd_out < 0) {
        error_setg_errno(errp, errno, "chardev: cannot open '%s'", path);
        return false;
    }
    if (in) {
        fd_in = open(in, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
        if (fd_in < 0) {
            error_setg_errno(errp, errno, "chardev: cannot open '%s'", in);
            close(fd_out);
            return false;
        }
    }
    chardev_fd_setup(s, fd_in, fd_out, true);
    free(chr->filename);
    if (asprintf(&chr->filename, "file:%s", path) < 0) {
        abort();
    }
    return true;
}

static bool pipe_open(Chardev *chr, ChardevOpts *opts, bool *be_opened, Error **errp)
{
    ChardevFd *s = (ChardevFd *)chr;
    const char *path = chardev_opt_get(opts, "path");
    char *in_path, *out_path;
    int fd_in, fd_out;

    if (!path || !path[0]) {
        error_setg(errp, "chardev: pipe: missing path");
        return false;
    }
    if (asprintf(&in_path, "%s.in", path) < 0 || asprintf(&out_path, "%s.out", path) < 0) {
        abort();
    }
    /* O_RDWR: opening a FIFO does not block for the other side then. */
    fd_in = open(in_path, O_RDWR | O_CLOEXEC | O_NONBLOCK);
    fd_out = open(out_path, O_RDWR | O_CLOEXEC);
    free(in_path);
    free(out_path);
    if (fd_in < 0 || fd_out < 0) {
        if (fd_in >= 0) {
            close(fd_in);
        }
        if (fd_out >= 0) {
            close(fd_out);
        }
        fd_in = fd_out = open(path, O_RDWR | O_CLOEXEC);
        if (fd_in < 0) {
            error_setg_errno(errp, errno, "chardev: cannot open pipe '%s'", path);
            return false;
        }
    }
    chardev_fd_setup(s, fd_in, fd_out, true);
    free(chr->filename);
    if (asprintf(&chr->filename, "pipe:%s", path) < 0) {
        abort();
    }
    return true;
}

const ChardevClass char_file_class = {
    .name = "file",
    .instance_size = sizeof(ChardevFd),
    .open = file_open,
    .chr_write = chardev_fd_write,
    .chr_wait_writable = chardev_fd_wait_writable,
    .chr_write_fd = chardev_fd_write_fd,
    .finalize = chardev_fd_finalize,
};

const ChardevClass char_pipe_class = {
    .name = "pipe",
    .instance_size = sizeof(ChardevFd),
    .open = pipe_open,
    .chr_write = chardev_fd_write,
    .chr_wait_writable = chardev_fd_wait_writable,
    .chr_write_fd = chardev_fd_write_fd,
    .finalize = chardev_fd_finalize,
};
