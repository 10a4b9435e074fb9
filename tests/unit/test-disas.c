/*
 * util/disas.c: capstone output format and .byte fallback.
 */
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "util/disas.h"

/* Disassemble into a string (caller frees). */
static char *disas_to_string(DisasMode mode, uint64_t addr, const void *code, size_t size)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);

    if (!f) {
        return strdup("");
    }
    disas_x86(f, mode, addr, code, size);
    fclose(f);
    return buf;
}

static void check(DisasMode mode, uint64_t addr, const void *code, size_t size, const char *expect,
                  const char *what)
{
    char *got = disas_to_string(mode, addr, code, size);

    if (!tap_ok(strcmp(got, expect) == 0, "%s", what)) {
        tap_diag("expected:\n%s", expect);
        tap_diag("got:\n%s", got);
    }
    free(got);
}

int main(void)
{
    static const uint8_t nop_ret[] = { 0x90, 0xc3 };
    static const uint8_t mov64[] = { 0x48, 0x89, 0xd8 }; /* mov rax, rbx */
    static const uint8_t mov32[] = { 0x89, 0xd8 };       /* mov eax, ebx */
    static const uint8_t mov16[] = { 0x89, 0xd8 };       /* mov ax, bx */
    static const uint8_t jmp_self[] = { 0xeb, 0xfe };    /* jmp to itself */
    static const uint8_t tail_bad[] = { 0x90, 0x0f };    /* nop, truncated 0f */
    /* push es: invalid in 64-bit mode */
    static const uint8_t many_bad[] = { 6, 6, 6, 6, 6, 6, 6, 6, 6, 6 };

    check(DISAS_X86_64, 0x401000, nop_ret, sizeof(nop_ret),
          "0x0000000000401000:  nop\n0x0000000000401001:  ret\n", "nop; ret with addresses");
    check(DISAS_X86_64, 0, mov64, sizeof(mov64), "0x0000000000000000:  mov  rax, rbx\n",
          "64-bit mode uses REX.W");
    check(DISAS_X86_32, 0, mov32, sizeof(mov32), "0x0000000000000000:  mov  eax, ebx\n",
          "32-bit mode");
    check(DISAS_X86_16, 0x7c00, mov16, sizeof(mov16), "0x0000000000007c00:  mov  ax, bx\n",
          "16-bit mode");
    check(DISAS_X86_64, 0xffffffff80000000ull, jmp_self, sizeof(jmp_self),
          "0xffffffff80000000:  jmp  0xffffffff80000000\n", "branch target uses the address");
    check(DISAS_X86_64, 0x10, tail_bad, sizeof(tail_bad),
          "0x0000000000000010:  nop\n0x0000000000000011:  .byte  0x0f\n",
          "undecodable tail is printed as .byte");
    check(DISAS_X86_64, 0, many_bad, sizeof(many_bad),
          "0x0000000000000000:  .byte  0x06, 0x06, 0x06, 0x06, 0x06, 0x06, 0x06, 0x06\n"
          "0x0000000000000008:  .byte  0x06, 0x06\n",
          ".byte lines hold at most 8 bytes");
    check(DISAS_X86_64, 0, nop_ret, 0, "", "empty range prints nothing");
    return tap_done();
}
