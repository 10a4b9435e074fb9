/*
 * Code in shared memory changed behind the emulator's back: by a forked
 * child writing a MAP_SHARED|MAP_ANONYMOUS page the parent runs code
 * from, through a second mapping of a file after an mprotect of the code
 * alias, and by System V shm attached twice. The CPU sees every new byte
 * (run-user.sh compares with the native run).
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <sys/wait.h>
#include <unistd.h>

typedef int (*Fn)(void);

/* mov eax, imm32; ret */
static void put_fn(volatile uint8_t *p, int v)
{
    p[0] = 0xb8;
    memcpy((void *)(p + 1), &v, 4);
    p[5] = 0xc3;
}

/* A loop around the call, so the code is translated and chained. */
static int call_many(Fn f)
{
    int r = 0;
    for (int i = 0; i < 100; i++) {
        r = f();
    }
    return r;
}

int main(void)
{
    uint8_t *p = mmap(0, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_SHARED | MAP_ANONYMOUS,
                      -1, 0);
    char path[] = "/tmp/smc-shared-XXXXXX";
    int fd;

    setvbuf(stdout, NULL, _IONBF, 0);
    if (p == MAP_FAILED) {
        return 1;
    }
    for (int k = 0; k < 3; k++) {
        pid_t pid;
        put_fn(p, 100 + k);
        printf("parent wrote %d -> %d\n", 100 + k, call_many((Fn)p));
        pid = fork();
        if (pid == 0) {
            put_fn(p, 200 + k);
            _exit(0);
        }
        waitpid(pid, NULL, 0);
        printf("child wrote %d -> %d\n", 200 + k, call_many((Fn)p));
    }

    fd = mkstemp(path);
    unlink(path);
    if (fd < 0 || ftruncate(fd, 4096) < 0) {
        return 2;
    }
    {
        volatile uint8_t *rw = mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
        uint8_t *rx = mmap(0, 4096, PROT_READ | PROT_EXEC, MAP_SHARED, fd, 0);
        if (rw == MAP_FAILED || rx == MAP_FAILED) {
            return 3;
        }
        for (int k = 0; k < 3; k++) {
            put_fn(rw + 64, 300 + k);
            printf("file alias %d -> %d\n", 300 + k, call_many((Fn)(rx + 64)));
            mprotect(rx, 4096, PROT_READ);
            mprotect(rx, 4096, PROT_READ | PROT_EXEC);
        }
    }

    {
        int id = shmget(IPC_PRIVATE, 4096, IPC_CREAT | 0600);
        volatile uint8_t *rw;
        uint8_t *rx;
        if (id < 0) {
            printf("no shm\n");
            return 0;
        }
        rw = shmat(id, NULL, 0);
        rx = shmat(id, NULL, SHM_EXEC | SHM_RDONLY);
        shmctl(id, IPC_RMID, NULL);
        if (rw == (void *)-1 || rx == (void *)-1) {
            printf("no shm attach\n");
            return 0;
        }
        for (int k = 0; k < 3; k++) {
            put_fn(rw, 400 + k);
            printf("shm alias %d -> %d\n", 400 + k, call_many((Fn)rx));
        }
    }
    return 0;
}
