/*
 * Self-modifying code. Code is written into an RWX mmap'd page, run,
 * rewritten and run again; the emulator must notice every write to code it
 * has translated:
 *   - rewrite an immediate between calls (same page, same length);
 *   - rewrite the whole function with different instructions;
 *   - a loop that patches its own next instruction's immediate each time
 *     round (the store and the patched instruction in one basic block,
 *     separated by a jump, as the SDM asks for);
 *   - code on one page patched by a store from code on another page;
 *   - write through a second mapping (memfd mapped twice, one RW and one
 *     RX view), as JITs do;
 *   - mprotect RW -> write -> RX, the W^X way.
 */
#include "common.h"
#include <sys/mman.h>
#include <unistd.h>

typedef uint64_t (*Fn)(uint64_t);

/* mov eax, imm32 ; ret */
static void emit_mov_ret(uint8_t *p, uint32_t imm)
{
    p[0] = 0xb8;
    memcpy(p + 1, &imm, 4);
    p[5] = 0xc3;
}

int main(void)
{
    long pg = sysconf(_SC_PAGESIZE);
    uint8_t *code = mmap(NULL, 4 * pg, PROT_READ | PROT_WRITE | PROT_EXEC,
                         MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (code == MAP_FAILED) {
        printf("mmap RWX failed\n");
        return 1;
    }

    /* 1: the immediate changes between calls. */
    for (uint32_t i = 0; i < 5; i++) {
        emit_mov_ret(code, 1000 + i);
        printf("imm rewrite %u -> %" PRIu64 "\n", i, ((Fn)code)(0));
    }

    /* 2: different instructions each time, at the same address. */
    static const uint8_t variants[][16] = {
        { 0x48, 0x8d, 0x47, 0x05, 0xc3 },             /* lea rax, [rdi+5]; ret */
        { 0x48, 0x89, 0xf8, 0x48, 0xd1, 0xe0, 0xc3 }, /* mov rax, rdi; shl rax, 1; ret */
        { 0x48, 0x89, 0xf8, 0x48, 0xf7, 0xd8, 0xc3 }, /* mov rax, rdi; neg rax; ret */
        { 0x31, 0xc0, 0x48, 0x0f, 0xaf, 0xff, 0x48, 0x89, 0xf8, 0xc3 }, /* rdi*rdi */
    };
    for (int round = 0; round < 2; round++) {
        for (size_t v = 0; v < sizeof(variants) / sizeof(variants[0]); v++) {
            memcpy(code, variants[v], sizeof(variants[v]));
            printf("variant %zu(21) -> %" PRId64 "\n", v, (int64_t)((Fn)code)(21));
        }
    }

    /*
     * 3: a loop that patches itself. In the page:
     *   0: xor ecx, ecx ; xor edx, edx
     *   L: mov eax, imm32          <- patched each time round
     *      add rdx, rax
     *      inc ecx
     *      mov [rip + (L+1)], ecx  (store the new immediate)
     *      jmp next                (the SDM's jump after modifying code)
     *   next:
     *      cmp ecx, 10 ; jb L
     *      mov rax, rdx ; ret
     * Expected: sum of 0..9 plus the initial immediate.
     */
    {
        uint8_t *p = code + pg, *L;
        *p++ = 0x31; *p++ = 0xc9;             /* xor ecx, ecx */
        *p++ = 0x31; *p++ = 0xd2;             /* xor edx, edx */
        L = p;
        *p++ = 0xb8; memcpy(p, &(uint32_t){ 100 }, 4); p += 4; /* mov eax, 100 */
        *p++ = 0x48; *p++ = 0x01; *p++ = 0xc2; /* add rdx, rax */
        *p++ = 0xff; *p++ = 0xc1;             /* inc ecx */
        *p++ = 0x89; *p++ = 0x0d;             /* mov [rip+disp32], ecx */
        int32_t disp = (int32_t)((L + 1) - (p + 4));
        memcpy(p, &disp, 4); p += 4;
        *p++ = 0xeb; *p++ = 0x00;             /* jmp next */
        *p++ = 0x83; *p++ = 0xf9; *p++ = 0x0a; /* cmp ecx, 10 */
        *p++ = 0x72;                          /* jb L */
        *p = (uint8_t)(L - (p + 1)); p++;
        *p++ = 0x48; *p++ = 0x89; *p++ = 0xd0; /* mov rax, rdx */
        *p++ = 0xc3;
        for (int k = 0; k < 3; k++) {
            memcpy(L + 1, &(uint32_t){ 100 }, 4);
            printf("self-patching loop %d -> %" PRIu64 "\n", k, ((Fn)(code + pg))(0));
        }
    }

    /*
     * 4: code on page 2 stores into the function on page 3, then calls it.
     *   page 2: mov dword [rip + to page3+1], edi ; call page3 ; ret
     * (stack alignment does not matter: page 3 is mov eax, imm ; ret)
     */
    {
        uint8_t *p = code + 2 * pg, *f = code + 3 * pg;
        emit_mov_ret(f, 7);
        *p++ = 0x89; *p++ = 0x3d;             /* mov [rip+disp32], edi */
        int32_t disp = (int32_t)((f + 1) - (p + 4));
        memcpy(p, &disp, 4); p += 4;
        *p++ = 0xe8;                          /* call f */
        disp = (int32_t)(f - (p + 4));
        memcpy(p, &disp, 4); p += 4;
        *p++ = 0xc3;
        for (uint64_t k = 0; k < 4; k++) {
            printf("cross-page patch %" PRIu64 " -> %" PRIu64 "\n", k,
                   ((Fn)(code + 2 * pg))(k * 11));
        }
    }

    /* 5: mprotect W^X: write while RW, run while RX, repeatedly. */
    {
        uint8_t *w = mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        for (uint32_t k = 0; k < 4; k++) {
            mprotect(w, pg, PROT_READ | PROT_WRITE);
            emit_mov_ret(w, 0xabc0 + k);
            mprotect(w, pg, PROT_READ | PROT_EXEC);
            printf("w^x %u -> %" PRIx64 "\n", k, ((Fn)w)(0));
        }
        munmap(w, pg);
    }

    /* 7: two views of one memfd: written through RW, run through RX. */
    {
        int fd = memfd_create("tcg-smc", 0);
        if (fd < 0 || ftruncate(fd, pg) != 0) {
            printf("memfd failed\n");
            return 1;
        }
        uint8_t *rw = mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
        uint8_t *rx = mmap(NULL, pg, PROT_READ | PROT_EXEC, MAP_SHARED, fd, 0);
        for (uint32_t k = 0; k < 4; k++) {
            emit_mov_ret(rw, 0x600 + k);
            printf("dual mapping %u -> %" PRIx64 "\n", k, ((Fn)rx)(0));
        }
        close(fd);
    }

    /* 6: unmap and map again at the same address with new code. */
    {
        for (uint32_t k = 0; k < 3; k++) {
            munmap(code + 3 * pg, pg);
            uint8_t *m = mmap(code + 3 * pg, pg, PROT_READ | PROT_WRITE | PROT_EXEC,
                              MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
            emit_mov_ret(m, 500 + k);
            printf("remap %u -> %" PRIu64 "\n", k, ((Fn)m)(0));
        }
    }
    return 0;
}
