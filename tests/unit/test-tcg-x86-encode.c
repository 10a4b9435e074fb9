/*
 * The x86-64 backend's instruction encoder (tcg/x86_64/emit.h) checked
 * against capstone: every instruction form the backend emits is encoded
 * with each register (including the special ModRM/SIB cases rsp/r12 and
 * rbp/r13, and the REX-only byte registers spl..dil), disassembled, and
 * compared with the expected text, and the decoded length must equal the
 * number of bytes emitted. One TAP line per instruction family; the first
 * mismatches are printed as diagnostics.
 */
#include <capstone/capstone.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "../../tcg/x86_64/emit.h"
#include "tap.h"

static const char *const r64[16] = { "rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
                                     "r8",  "r9",  "r10", "r11", "r12", "r13", "r14", "r15" };
static const char *const r32[16] = { "eax", "ecx", "edx",  "ebx",  "esp",  "ebp",  "esi",  "edi",
                                     "r8d", "r9d", "r10d", "r11d", "r12d", "r13d", "r14d", "r15d" };
static const char *const r16[16] = { "ax",  "cx",  "dx",   "bx",   "sp",   "bp",   "si",   "di",
                                     "r8w", "r9w", "r10w", "r11w", "r12w", "r13w", "r14w", "r15w" };
static const char *const r8[16] = { "al",  "cl",  "dl",   "bl",   "spl",  "bpl",  "sil",  "dil",
                                    "r8b", "r9b", "r10b", "r11b", "r12b", "r13b", "r14b", "r15b" };
static const char *const cc_name[16] = { "o", "no", "b", "ae", "e", "ne", "be", "a",
                                         "s", "ns", "p", "np", "l", "ge", "le", "g" };

static csh cs;
static uint8_t buf[64];
static X86Asm as;
static int group_bad;
static int group_shown;

static void begin(void)
{
    as.start = as.ptr = buf;
    as.end = buf + sizeof(buf);
}

/* Disassemble what was emitted since begin() and compare. */
static void check(const char *expect)
{
    cs_insn *insn;
    size_t len = (size_t)(as.ptr - buf);
    size_t n = cs_disasm(cs, buf, len, 0x1000, 0, &insn);
    char got[256];

    if (n == 0) {
        snprintf(got, sizeof(got), "(undecodable)");
    } else {
        snprintf(got, sizeof(got), "%s%s%s", insn[0].mnemonic, insn[0].op_str[0] ? " " : "",
                 insn[0].op_str);
    }
    if (n != 1 || insn[0].size != len || strcmp(got, expect) != 0) {
        group_bad++;
        if (group_shown++ < 5) {
            char hex[3 * 64 + 1] = "";
            for (size_t i = 0; i < len; i++) {
                sprintf(hex + 3 * i, "%02x ", buf[i]);
            }
            tap_diag("expected '%s', got '%s' (%zu insns; bytes %s)", expect, got, n, hex);
        }
    }
    if (n) {
        cs_free(insn, n);
    }
}

static void group_start(void)
{
    group_bad = 0;
    group_shown = 0;
}

static void group_end(const char *what)
{
    tap_ok(group_bad == 0, "%s", what);
}

/* How capstone prints a signed number. */
static const char *num(int64_t v, char *out)
{
    uint64_t m = v < 0 ? -(uint64_t)v : (uint64_t)v;
    if (m < 10) {
        sprintf(out, "%s%" PRIu64, v < 0 ? "-" : "", m);
    } else {
        sprintf(out, "%s0x%" PRIx64, v < 0 ? "-" : "", m);
    }
    return out;
}

/* "[base + index + disp]" as capstone prints it. */
static const char *memstr(int base, int index, int32_t disp, char *out)
{
    char d[32];
    int n = sprintf(out, "[");

    if (base >= 0) {
        n += sprintf(out + n, "%s", r64[base]);
    }
    if (index >= 0) {
        n += sprintf(out + n, "%s%s", base >= 0 ? " + " : "", r64[index]);
    }
    if (disp || (base < 0 && index < 0)) {
        if (base < 0 && index < 0) {
            n += sprintf(out + n, "%s", num(disp, d));
        } else {
            n += sprintf(out + n, " %c %s", disp < 0 ? '-' : '+',
                         num(disp < 0 ? -(int64_t)disp : disp, d));
        }
    }
    sprintf(out + n, "]");
    return out;
}

static void test_mov_rr(void)
{
    char e[128];

    group_start();
    for (int d = 0; d < 16; d++) {
        for (int s = 0; s < 16; s++) {
            begin();
            x86_mov_rr(&as, true, d, s);
            snprintf(e, sizeof(e), "mov %s, %s", r64[d], r64[s]);
            check(e);
            begin();
            x86_mov_rr(&as, false, d, s);
            snprintf(e, sizeof(e), "mov %s, %s", r32[d], r32[s]);
            check(e);
        }
    }
    group_end("mov reg, reg (32/64, all register pairs)");
}

static void test_movi(void)
{
    static const int64_t vals[] = { 0,        1,  0x7f,      0x80000000,    0xffffffff,
                                    -1,       -2, INT32_MIN, 0x100000000ll, 0x123456789abcdef0ll,
                                    INT64_MIN };
    char e[128], n[32];

    group_start();
    for (int r = 0; r < 16; r++) {
        for (size_t k = 0; k < sizeof(vals) / sizeof(vals[0]); k++) {
            int64_t v = vals[k];
            begin();
            x86_movi(&as, true, r, v);
            if (v == 0) {
                snprintf(e, sizeof(e), "xor %s, %s", r32[r], r32[r]);
            } else if (v == (int64_t)(uint32_t)v) {
                snprintf(e, sizeof(e), "mov %s, %s", r32[r], num(v, n));
            } else if (v == (int32_t)v) {
                snprintf(e, sizeof(e), "mov %s, %s", r64[r], num(v, n));
            } else {
                /* capstone shows movabs immediates unsigned */
                snprintf(e, sizeof(e), "movabs %s, 0x%" PRIx64, r64[r], (uint64_t)v);
            }
            check(e);
            /* 32-bit: the low half, zero-extended */
            begin();
            x86_movi_keep_flags(&as, false, r, v);
            snprintf(e, sizeof(e), "mov %s, %s", r32[r], num((uint32_t)v, n));
            check(e);
        }
    }
    group_end("mov reg, imm (xor/mov r32/mov r64 simm32/movabs)");
}

static void test_mem_forms(void)
{
    static const int32_t disps[] = { 0, 1, -8, 0x7f, 0x80, -0x80, -0x81, 0x12345, INT32_MIN };
    char e[128], m[64];

    group_start();
    for (int base = 0; base < 16; base++) {
        for (size_t k = 0; k < sizeof(disps) / sizeof(disps[0]); k++) {
            int r = (base * 7 + (int)k) & 15;
            begin();
            x86_rm(&as, OPC_MOVL_GvEv | X86_PW, r, base, disps[k]);
            snprintf(e, sizeof(e), "mov %s, qword ptr %s", r64[r], memstr(base, -1, disps[k], m));
            check(e);
            begin();
            x86_rm(&as, OPC_MOVL_EvGv, r, base, disps[k]);
            snprintf(e, sizeof(e), "mov dword ptr %s, %s", memstr(base, -1, disps[k], m), r32[r]);
            check(e);
            begin();
            x86_rm(&as, OPC_MOVB_EbGb, r, base, disps[k]);
            snprintf(e, sizeof(e), "mov byte ptr %s, %s", memstr(base, -1, disps[k], m), r8[r]);
            check(e);
            begin();
            x86_rm(&as, OPC_MOVL_EvGv | X86_P66, r, base, disps[k]);
            snprintf(e, sizeof(e), "mov word ptr %s, %s", memstr(base, -1, disps[k], m), r16[r]);
            check(e);
        }
    }
    /* base + index (index never rsp), and absolute */
    for (int base = 0; base < 16; base++) {
        for (int index = 0; index < 16; index++) {
            if (index == X86_RSP) {
                continue;
            }
            begin();
            x86_rm_sib(&as, OPC_LEA | X86_PW, base ^ index, base, index, 0, (base & 1) ? 0x20 : 0);
            snprintf(e, sizeof(e), "lea %s, %s", r64[base ^ index],
                     memstr(base, index, (base & 1) ? 0x20 : 0, m));
            check(e);
        }
    }
    begin();
    x86_rm_sib(&as, OPC_MOVL_GvEv, X86_RDX, -1, -1, 0, 0x1000);
    check("mov edx, dword ptr [0x1000]");
    group_end("memory operands: every base, disp0/8/32, SIB with every index, absolute");
}

static void test_loads_stores(void)
{
    char e[128], m[64];

    group_start();
    for (int r = 0; r < 16; r++) {
        int b = 15 - r;
        memstr(b, -1, 0x10, m);
        begin();
        x86_rm(&as, OPC_MOVZBL, r, b, 0x10);
        snprintf(e, sizeof(e), "movzx %s, byte ptr %s", r32[r], m);
        check(e);
        begin();
        x86_rm(&as, OPC_MOVSBL | X86_PW, r, b, 0x10);
        snprintf(e, sizeof(e), "movsx %s, byte ptr %s", r64[r], m);
        check(e);
        begin();
        x86_rm(&as, OPC_MOVZWL, r, b, 0x10);
        snprintf(e, sizeof(e), "movzx %s, word ptr %s", r32[r], m);
        check(e);
        begin();
        x86_rm(&as, OPC_MOVSWL, r, b, 0x10);
        snprintf(e, sizeof(e), "movsx %s, word ptr %s", r32[r], m);
        check(e);
        begin();
        x86_rm(&as, OPC_MOVSLQ, r, b, 0x10);
        snprintf(e, sizeof(e), "movsxd %s, dword ptr %s", r64[r], m);
        check(e);
        begin();
        x86_rm(&as, OPC_MOVBE_GyMy | X86_PW, r, b, 0x10);
        snprintf(e, sizeof(e), "movbe %s, qword ptr %s", r64[r], m);
        check(e);
        begin();
        x86_rm(&as, OPC_MOVBE_MyGy | X86_P66, r, b, 0x10);
        snprintf(e, sizeof(e), "movbe word ptr %s, %s", m, r16[r]);
        check(e);
        begin();
        x86_rm(&as, OPC_MOVB_EbIb, 0, b, 0x10);
        x86_b(&as, 0x7f);
        snprintf(e, sizeof(e), "mov byte ptr %s, 0x7f", m);
        check(e);
        begin();
        x86_rm(&as, OPC_MOVL_EvIz | X86_PW, 0, b, 0x10);
        x86_d32(&as, (uint32_t)-3);
        snprintf(e, sizeof(e), "mov qword ptr %s, -3", m);
        check(e);
        begin();
        x86_rm(&as, OPC_MOVL_EvIz | X86_P66, 0, b, 0x10);
        x86_b(&as, 0x34);
        x86_b(&as, 0x12);
        snprintf(e, sizeof(e), "mov word ptr %s, 0x1234", m);
        check(e);
    }
    group_end("loads and stores: movzx/movsx/movsxd/movbe/immediate stores");
}

static void test_alu(void)
{
    static const char *const names[8] = { "add", "or", "adc", "sbb", "and", "sub", "xor", "cmp" };
    static const int32_t imms[] = { 1, -1, 0x7f, 0x80, -0x80, -0x81, 0x12345678 };
    char e[128], n[32];

    group_start();
    for (int op = 0; op < 8; op++) {
        for (int r = 0; r < 16; r++) {
            int s = (r + 5) & 15;
            begin();
            x86_arith_rr(&as, op, true, r, s);
            snprintf(e, sizeof(e), "%s %s, %s", names[op], r64[r], r64[s]);
            check(e);
            begin();
            x86_arith_rr(&as, op, false, r, s);
            snprintf(e, sizeof(e), "%s %s, %s", names[op], r32[r], r32[s]);
            check(e);
            for (size_t k = 0; k < sizeof(imms) / sizeof(imms[0]); k++) {
                /* capstone shows the immediates of logical ops unsigned, and
                 * those of 32-bit ops unsigned unless they fit in a byte */
                bool logical = op == ARITH_OR || op == ARITH_AND || op == ARITH_XOR;
                begin();
                x86_arith_ri(&as, op, true, r, imms[k]);
                if (logical && imms[k] < 0) {
                    snprintf(e, sizeof(e), "%s %s, 0x%" PRIx64, names[op], r64[r],
                             (uint64_t)(int64_t)imms[k]);
                } else {
                    snprintf(e, sizeof(e), "%s %s, %s", names[op], r64[r], num(imms[k], n));
                }
                check(e);
                begin();
                x86_arith_ri(&as, op, false, r, imms[k]);
                if (x86_fits_s8(imms[k]) && !(logical && imms[k] < 0)) {
                    snprintf(e, sizeof(e), "%s %s, %s", names[op], r32[r], num(imms[k], n));
                } else {
                    snprintf(e, sizeof(e), "%s %s, %s", names[op], r32[r],
                             num((uint32_t)imms[k], n));
                }
                check(e);
            }
        }
    }
    group_end("ALU reg,reg and reg,imm8/imm32 (all 8 ops, 32/64)");
}

static void test_shift_grp3(void)
{
    static const struct {
        int op;
        const char *name;
    } sh[] = { { SHIFT_ROL, "rol" },
               { SHIFT_ROR, "ror" },
               { SHIFT_SHL, "shl" },
               { SHIFT_SHR, "shr" },
               { SHIFT_SAR, "sar" } };
    static const char *const g3[8] = { "test", "", "not", "neg", "mul", "imul", "div", "idiv" };
    char e[128];

    group_start();
    for (size_t k = 0; k < sizeof(sh) / sizeof(sh[0]); k++) {
        for (int r = 0; r < 16; r++) {
            begin();
            x86_shift_ri(&as, sh[k].op, true, r, 1);
            snprintf(e, sizeof(e), "%s %s, 1", sh[k].name, r64[r]);
            check(e);
            begin();
            x86_shift_ri(&as, sh[k].op, false, r, 31);
            snprintf(e, sizeof(e), "%s %s, 0x1f", sh[k].name, r32[r]);
            check(e);
            begin();
            x86_shift_cl(&as, sh[k].op, true, r);
            snprintf(e, sizeof(e), "%s %s, cl", sh[k].name, r64[r]);
            check(e);
        }
    }
    for (int ext = 2; ext < 8; ext++) {
        for (int r = 0; r < 16; r++) {
            begin();
            x86_grp3(&as, ext, r & 1, r);
            snprintf(e, sizeof(e), "%s %s", g3[ext], (r & 1) ? r64[r] : r32[r]);
            check(e);
        }
    }
    group_end("shifts/rotates by 1, imm, cl; not/neg/mul/imul/div/idiv");
}

static void test_misc(void)
{
    char e[128], m[64];

    group_start();
    for (int r = 0; r < 16; r++) {
        int s = (r * 5 + 3) & 15;
        for (int c = 0; c < 16; c++) {
            begin();
            x86_rr(&as, OPC_SETCC + c, 0, r);
            snprintf(e, sizeof(e), "set%s %s", cc_name[c], r8[r]);
            check(e);
            begin();
            x86_rr(&as, (OPC_CMOVCC + c) | X86_PW, r, s);
            snprintf(e, sizeof(e), "cmov%s %s, %s", cc_name[c], r64[r], r64[s]);
            check(e);
        }
        begin();
        x86_rr(&as, OPC_MOVZBL | X86_PBYTE_M, r, s);
        snprintf(e, sizeof(e), "movzx %s, %s", r32[r], r8[s]);
        check(e);
        begin();
        x86_rr(&as, OPC_MOVSBL | X86_PBYTE_M | X86_PW, r, s);
        snprintf(e, sizeof(e), "movsx %s, %s", r64[r], r8[s]);
        check(e);
        begin();
        x86_rr(&as, OPC_MOVSWL, r, s);
        snprintf(e, sizeof(e), "movsx %s, %s", r32[r], r16[s]);
        check(e);
        begin();
        x86_rr(&as, OPC_MOVSLQ, r, s);
        snprintf(e, sizeof(e), "movsxd %s, %s", r64[r], r32[s]);
        check(e);
        begin();
        x86_rr(&as, OPC_MOVB_EbGb | X86_PBYTE_M, s, r);
        snprintf(e, sizeof(e), "mov %s, %s", r8[r], r8[s]);
        check(e);
        begin();
        x86_opc(&as, (OPC_BSWAP + (r & 7)) | X86_PW, 0, 0, r);
        snprintf(e, sizeof(e), "bswap %s", r64[r]);
        check(e);
        begin();
        x86_opc(&as, OPC_BSWAP + (r & 7), 0, 0, r);
        snprintf(e, sizeof(e), "bswap %s", r32[r]);
        check(e);
        begin();
        x86_push(&as, r);
        snprintf(e, sizeof(e), "push %s", r64[r]);
        check(e);
        begin();
        x86_pop(&as, r);
        snprintf(e, sizeof(e), "pop %s", r64[r]);
        check(e);
        begin();
        x86_rr(&as, OPC_LZCNT | X86_PW, r, s);
        snprintf(e, sizeof(e), "lzcnt %s, %s", r64[r], r64[s]);
        check(e);
        begin();
        x86_rr(&as, OPC_TZCNT, r, s);
        snprintf(e, sizeof(e), "tzcnt %s, %s", r32[r], r32[s]);
        check(e);
        begin();
        x86_rr(&as, OPC_POPCNT | X86_PW, r, s);
        snprintf(e, sizeof(e), "popcnt %s, %s", r64[r], r64[s]);
        check(e);
        begin();
        x86_rr(&as, OPC_BSR, r, s);
        snprintf(e, sizeof(e), "bsr %s, %s", r32[r], r32[s]);
        check(e);
        begin();
        x86_rr(&as, OPC_BSF | X86_PW, r, s);
        snprintf(e, sizeof(e), "bsf %s, %s", r64[r], r64[s]);
        check(e);
        begin();
        x86_rr(&as, OPC_IMUL_GvEv | X86_PW, r, s);
        snprintf(e, sizeof(e), "imul %s, %s", r64[r], r64[s]);
        check(e);
        begin();
        x86_rr(&as, OPC_IMUL_GvEvIb, r, s);
        x86_b(&as, (uint8_t)-3);
        snprintf(e, sizeof(e), "imul %s, %s, -3", r32[r], r32[s]);
        check(e);
        begin();
        x86_rr(&as, OPC_IMUL_GvEvIz | X86_PW, r, s);
        x86_d32(&as, 0x12345);
        snprintf(e, sizeof(e), "imul %s, %s, 0x12345", r64[r], r64[s]);
        check(e);
        begin();
        x86_rr(&as, OPC_TESTL | X86_PW, s, r);
        snprintf(e, sizeof(e), "test %s, %s", r64[r], r64[s]);
        check(e);
        begin();
        x86_rr(&as, OPC_TESTB_EbIb | X86_PBYTE_M, 0, r);
        x86_b(&as, 7);
        snprintf(e, sizeof(e), "test %s, 7", r8[r]);
        check(e);
        begin();
        x86_rr(&as, OPC_SHIFT_Ib | X86_P66, SHIFT_ROL, r);
        x86_b(&as, 8);
        snprintf(e, sizeof(e), "rol %s, 8", r16[r]);
        check(e);
        begin();
        x86_rr(&as, OPC_GRP5, EXT5_JMP, r);
        snprintf(e, sizeof(e), "jmp %s", r64[r]);
        check(e);
        begin();
        x86_rr(&as, OPC_GRP5, EXT5_CALL, r);
        snprintf(e, sizeof(e), "call %s", r64[r]);
        check(e);
        begin();
        x86_rm(&as, OPC_LEA | X86_PW, r, s, -0x10);
        snprintf(e, sizeof(e), "lea %s, %s", r64[r], memstr(s, -1, -0x10, m));
        check(e);
    }
    begin();
    x86_opc(&as, OPC_CQO | X86_PW, 0, 0, 0);
    check("cqo");
    begin();
    x86_opc(&as, OPC_CQO, 0, 0, 0);
    check("cdq");
    group_end("setcc/cmovcc/movzx/movsx/bswap/push/pop/bit counts/imul/test/lea/jmp/call");
}

static void test_vex(void)
{
    char e[128];

    group_start();
    for (int d = 0; d < 16; d++) {
        for (int v = 0; v < 16; v++) {
            int s = (d + v * 3) & 15;
            begin();
            x86_vex_rr(&as, OPC_SHLX | X86_PW, d, v, s);
            snprintf(e, sizeof(e), "shlx %s, %s, %s", r64[d], r64[s], r64[v]);
            check(e);
            begin();
            x86_vex_rr(&as, OPC_SHRX, d, v, s);
            snprintf(e, sizeof(e), "shrx %s, %s, %s", r32[d], r32[s], r32[v]);
            check(e);
            begin();
            x86_vex_rr(&as, OPC_SARX | X86_PW, d, v, s);
            snprintf(e, sizeof(e), "sarx %s, %s, %s", r64[d], r64[s], r64[v]);
            check(e);
            begin();
            x86_vex_rr(&as, OPC_ANDN | X86_PW, d, v, s);
            snprintf(e, sizeof(e), "andn %s, %s, %s", r64[d], r64[v], r64[s]);
            check(e);
        }
        begin();
        x86_vex_rr(&as, OPC_RORX, d, 0, 15 - d);
        x86_b(&as, 5);
        snprintf(e, sizeof(e), "rorx %s, %s, 5", r32[d], r32[15 - d]);
        check(e);
    }
    group_end("VEX: shlx/shrx/sarx/andn/rorx, all registers");
}

static void test_branches(void)
{
    cs_insn *insn;
    size_t n;
    bool ok = true;

    /* rel32 jumps/calls decode to the intended absolute target */
    for (int k = 0; k < 3 && ok; k++) {
        static const int opcs[3] = { OPC_JMP_long, OPC_CALL_Jz, -1 };
        uintptr_t target = (uintptr_t)buf + 0x123456;
        begin();
        if (opcs[k] >= 0) {
            x86_jmp_abs(&as, opcs[k], target);
        } else {
            x86_b(&as, 0x0f);
            x86_jmp_abs(&as, 0x80 + JCC_NE, target);
        }
        n = cs_disasm(cs, buf, (size_t)(as.ptr - buf), (uint64_t)(uintptr_t)buf, 0, &insn);
        ok = n == 1 && insn[0].size == (size_t)(as.ptr - buf) && insn[0].detail &&
             insn[0].detail->x86.operands[0].imm == (int64_t)target;
        if (n) {
            cs_free(insn, n);
        }
    }
    tap_ok(ok, "jmp/call/jcc rel32 reach their absolute target");

    /* multi-byte nops: every length decodes as nops filling it exactly */
    ok = true;
    for (int len = 1; len <= 20; len++) {
        size_t total = 0;
        begin();
        x86_nops(&as, len);
        n = cs_disasm(cs, buf, (size_t)len, 0, 0, &insn);
        for (size_t i = 0; i < n; i++) {
            total += insn[i].size;
            ok &= strcmp(insn[i].mnemonic, "nop") == 0;
        }
        ok &= (as.ptr - buf) == len && total == (size_t)len;
        if (n) {
            cs_free(insn, n);
        }
    }
    tap_ok(ok, "x86_nops: 1..20 bytes of nops");
}

static void test_rip(void)
{
    cs_insn *insn;
    size_t n;
    bool ok;
    uintptr_t target = (uintptr_t)buf - 0x4000;

    begin();
    x86_rm_rip(&as, OPC_LEA | X86_PW, X86_R9, target, 0);
    n = cs_disasm(cs, buf, (size_t)(as.ptr - buf), (uint64_t)(uintptr_t)buf, 0, &insn);
    ok = n == 1 && strcmp(insn[0].mnemonic, "lea") == 0 && insn[0].detail &&
         insn[0].detail->x86.operands[1].mem.base == X86_REG_RIP &&
         (uintptr_t)buf + insn[0].size + insn[0].detail->x86.operands[1].mem.disp == target;
    if (n) {
        cs_free(insn, n);
    }
    tap_ok(ok, "lea reg, [rip + disp] points at the target");
}

int main(void)
{
    if (cs_open(CS_ARCH_X86, CS_MODE_64, &cs) != CS_ERR_OK) {
        tap_ok(false, "capstone opens");
        return tap_done();
    }
    cs_option(cs, CS_OPT_DETAIL, CS_OPT_ON);
    test_mov_rr();
    test_movi();
    test_mem_forms();
    test_loads_stores();
    test_alu();
    test_shift_grp3();
    test_misc();
    test_vex();
    test_branches();
    test_rip();
    cs_close(&cs);
    return tap_done();
}
