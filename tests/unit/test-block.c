/*
 * The raw block backend: open errors, synchronous I/O, asynchronous
 * requests completing in the main loop, drain, read-only and snapshot
 * modes.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "block/block.h"
#include "tap.h"
#include "util/main-loop.h"

static char path[64];

static void make_image(size_t size)
{
    int fd;
    uint8_t *buf = malloc(size);

    strcpy(path, "/tmp/tern-test-block-XXXXXX");
    fd = mkstemp(path);
    for (size_t i = 0; i < size; i++) {
        buf[i] = (uint8_t)(i * 7 + (i >> 9));
    }
    if (fd < 0 || write(fd, buf, size) != (ssize_t)size) {
        abort();
    }
    close(fd);
    free(buf);
}

static uint8_t expected(size_t i)
{
    return (uint8_t)(i * 7 + (i >> 9));
}

static int done_ret;
static int done_count;
static bool in_main_thread_with_bql;

static void on_done(void *opaque, int ret)
{
    done_ret = ret;
    done_count++;
    in_main_thread_with_bql = bql_locked() && qemu_in_main_thread();
}

int main(void)
{
    Error *err = NULL;
    BlockBackend *blk;
    uint8_t buf[4096], buf2[1024];
    struct iovec iov[2];
    bool ok;

    qemu_init_main_loop(&error_abort);
    bql_lock();
    make_image(64 * 1024);

    blk = blk_open("/nonexistent/dir/disk.img", 0, &err);
    tap_ok(!blk && err && strstr(error_get_pretty(err), "/nonexistent/dir/disk.img") &&
               strstr(error_get_pretty(err), "No such file"),
           "a missing image fails with an error naming it (%s)", err ? error_get_pretty(err) : "");
    error_free(err);
    err = NULL;

    blk = blk_open(path, 0, &error_abort);
    tap_ok(blk_getlength(blk) == 64 * 1024 && !blk_is_read_only(blk), "length and mode");
    ok = blk_pread(blk, 1000, buf, 3000) == 0;
    for (size_t i = 0; i < 3000 && ok; i++) {
        ok = buf[i] == expected(1000 + i);
    }
    tap_ok(ok, "synchronous read");
    tap_ok(blk_pread(blk, 64 * 1024 - 100, buf, 200) == -EIO, "read past the end is -EIO");

    memset(buf, 0xa5, 512);
    tap_ok(blk_pwrite(blk, 512, buf, 512) == 0 && blk_flush(blk) == 0, "synchronous write");

    /* asynchronous scatter read into two buffers */
    iov[0] = (struct iovec){ .iov_base = buf, .iov_len = 512 };
    iov[1] = (struct iovec){ .iov_base = buf2, .iov_len = 1024 };
    memset(buf, 0, sizeof(buf));
    blk_aio_preadv(blk, 512, iov, 2, on_done, NULL);
    tap_ok(blk_in_flight(blk) == 1, "request in flight");
    while (done_count == 0) {
        main_loop_wait(false);
    }
    ok = done_ret == 0 && buf[0] == 0xa5 && buf[511] == 0xa5;
    for (size_t i = 0; i < 1024 && ok; i++) {
        ok = buf2[i] == expected(1024 + i);
    }
    tap_ok(ok, "asynchronous readv completes through the main loop with the data");
    tap_ok(in_main_thread_with_bql, "completion runs in the main thread with the BQL");

    memset(buf, 0x3c, 4096);
    for (int i = 0; i < 8; i++) {
        blk_aio_pwrite(blk, 8192 + i * 4096, buf, 4096, on_done, NULL);
    }
    blk_aio_flush(blk, on_done, NULL);
    blk_drain(blk);
    tap_ok(done_count == 10 && done_ret == 0 && blk_in_flight(blk) == 0,
           "drain waits for 9 requests (%d done)", done_count);
    blk_aio_pread(blk, 60 * 1024, buf, 8192, on_done, NULL);
    blk_drain_all();
    tap_ok(done_count == 11 && done_ret == -EIO, "asynchronous read past the end fails -EIO");
    blk_close(blk);

    blk = blk_open(path, BLK_OPEN_READONLY, &error_abort);
    tap_ok(blk_is_read_only(blk) && blk_pwrite(blk, 0, buf, 512) == -EPERM,
           "read-only backend refuses writes");
    ok = blk_pread(blk, 8192, buf2, 1024) == 0 && buf2[0] == 0x3c && buf2[1023] == 0x3c;
    tap_ok(ok, "asynchronous writes reached the file");
    blk_close(blk);

    blk = blk_open(path, BLK_OPEN_SNAPSHOT, &error_abort);
    memset(buf, 0x77, 100);
    ok = blk_pwrite(blk, 4000, buf, 100) == 0 && blk_pread(blk, 3990, buf2, 120) == 0;
    ok = ok && buf2[0] == expected(3990) && buf2[10] == 0x77 && buf2[109] == 0x77 &&
         buf2[110] == expected(4100);
    tap_ok(ok, "snapshot mode: writes are visible to reads, unchanged bytes around them kept");
    blk_close(blk);
    blk = blk_open(path, BLK_OPEN_READONLY, &error_abort);
    ok = blk_pread(blk, 4000, buf2, 100) == 0 && buf2[0] == expected(4000) &&
         buf2[99] == expected(4099);
    tap_ok(ok, "snapshot mode: the image file is unchanged");
    blk_close(blk);

    unlink(path);
    bql_unlock();
    return tap_done();
}
