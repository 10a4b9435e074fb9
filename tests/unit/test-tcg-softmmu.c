/*
 * Guest memory accesses in system mode (the softmmu TLB) on both backends,
 * end to end: a fake CPU whose "instructions" are IR snippets chosen by
 * each test runs through the real execution loop (cpu_exec, tb_gen_code),
 * the real TLB slow paths (accel/tcg/cputlb.c) and the real memory API.
 *
 * Fake MMU: virtual VBASE + p maps to physical p (RAM at 0, MMIO at
 * MMIO_PHYS), except the page HOLE; TARGET_PC's page maps to itself; any
 * other address faults (exception 14) in tlb_fill.
 *
 * Two kinds of TLB state:
 *  - hand-built tables: cs->tlb_fast[m].table is pointed at entries this
 *    test writes itself, whose addend leads to a shadow buffer. The C
 *    slow path only looks at the real TLB, so an access the generated
 *    code resolves inline reads/writes the shadow, and one that goes to
 *    the slow path reaches RAM (or faults): which path ran is visible.
 *    Used for: every load/store size, sign and byte order on the fast
 *    path, mmu_idx selection, entries with TLB_* flags, page crossing and
 *    alignment (MO_ALIGN, MO_ALIGN_16) decisions.
 *  - the real tables: misses filled through tlb_fill, MMIO, the not-dirty
 *    protocol, faults in tlb_fill unwinding to the right insn (checked
 *    with the insn_start data restore_state_to_opc receives, and the
 *    globals written before it), page-crossing accesses, and values held
 *    in call-clobbered host registers surviving slow-path calls.
 * Also the indirect-jump exit (tb_gen_lookup_and_goto_ptr): its inline
 * jump-cache probe enters a cached TB only when the whole key matches and
 * the TB is valid, else the helper and the loop take over (told apart by
 * counting get_tb_cpu_state calls and translations).
 * Everything runs first on the x86-64 backend, then on TCI.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "exec/cpu-exec.h"
#include "exec/cputlb.h"
#include "exec/memory.h"
#include "exec/ram.h"
#include "exec/translator.h"
#include "tap.h"
#include "tcg/tcg-op.h"
#include "util/main-loop.h"

/* accel/tcg's current backend (accel/tcg/internal.h): switched between
 * the two rounds */
extern const TCGBackend *tcg_backend;

#define VBASE 0x40000000ull
#define VSIZE 0x400000ull
#define RAM_SIZE 0x100000
#define MMIO_PHYS 0x200000
#define CODE_PC (VBASE + 0x80000)
#define HAND_PAGE 0x70000000ull /* in hand-built tables only: faults otherwise */
#define FAULT_ADDR 0x50000000ull
#define HOLE (VBASE + 0x91000) /* an unmapped page inside the mapping */
/* another code page, mapped 1:1 so that its virtual and ram addresses
 * agree (tb_invalidate_phys_range compares the TB's pc with the range) */
#define TARGET_PC 0x81000ull
#define EXCP_PF 14
#define EXCP_AC 17
#define NREGS 4
#define NOUT 32
#define NLIVE 12

typedef struct FakeEnv {
    uint64_t regs[NREGS]; /* globals */
    uint64_t out[NOUT];   /* results stored by the programs */
    uint64_t in[NLIVE];   /* inputs for the register-pressure test */
    uint64_t pc;
    uint64_t cs_base;
    uint32_t tb_id; /* TB flags: every run() gets its own TB */
    uint64_t restored[2]; /* the insn_start words of the last restore */
    int nb_restores;
} FakeEnv;

typedef struct FakeCPU {
    CPUState cs;
    FakeEnv env;
} FakeCPU;

static FakeCPU cpu;
static int data_fills;
static int nb_get_state, nb_translations;
static MemoryRegion ram, mmio;
static uint8_t *ram_host;
static uint8_t shadow[2][3 * 4096] __attribute__((aligned(4096)));
static CPUTLBEntry hand[2][CPU_TLB_SIZE];
static CPUTLBEntry *real_table[2];
static const char *backend_name;

/* --- the fake CPU ---------------------------------------------------- */

static bool fake_tlb_fill(CPUState *cs, uint64_t addr, int size, int access_type, int mmu_idx,
                          bool probe, uintptr_t retaddr)
{
    if (access_type != MMU_INST_FETCH) {
        data_fills++;
    }
    if ((addr & TARGET_PAGE_MASK) == TARGET_PC) {
        tlb_set_page(cs, addr, addr, PAGE_READ | PAGE_EXEC, mmu_idx, TARGET_PAGE_SIZE, false);
        return true;
    }
    if (addr < VBASE || addr >= VBASE + VSIZE ||
        (addr & TARGET_PAGE_MASK) == HOLE) {
        if (probe) {
            return false;
        }
        cs->exception_index = EXCP_PF;
        cpu_loop_exit_restore(cs, retaddr);
    }
    tlb_set_page(cs, addr, addr - VBASE, PAGE_READ | PAGE_WRITE | PAGE_EXEC, mmu_idx,
                 TARGET_PAGE_SIZE, false);
    return true;
}

static void fake_unaligned(CPUState *cs, uint64_t addr, int is_write, uintptr_t retaddr)
{
    cs->exception_index = EXCP_AC;
    cpu_loop_exit_restore(cs, retaddr);
}

static void fake_restore(CPUState *cs, const TranslationBlock *tb, const uint64_t *data)
{
    FakeEnv *env = cs->env_ptr;

    env->pc = data[0];
    env->restored[0] = data[0];
    env->restored[1] = data[1];
    env->nb_restores++;
}

static void fake_get_tb_cpu_state(CPUState *cs, uint64_t *pc, uint64_t *cs_base, uint32_t *flags)
{
    FakeEnv *env = cs->env_ptr;

    nb_get_state++;
    *pc = env->pc;
    *cs_base = env->cs_base;
    *flags = env->tb_id;
}

/* The program: insn k of cur_len is emitted by cur_prog(k); one that ends
 * the TB itself sets prog_ended. The code at TARGET_PC is target_prog. */
typedef void (*GenInsn)(int k);
static GenInsn cur_prog;
static int cur_len;
static bool prog_ended;
static DisasContextBase *cur_db;
static bool globals_ready;
static TCGv_i64 g_regs[NREGS], g_pc;
static void target_prog(int k);

static void fake_done(void *env)
{
    CPUState *cs = current_cpu;

    (void)env;
    cs->exception_index = EXCP_HLT;
    cpu_loop_exit(cs);
}

static void fake_init_disas(DisasContextBase *db, CPUState *cs) { }
static void fake_tb_start(DisasContextBase *db, CPUState *cs) { }

static void fake_insn_start(DisasContextBase *db, CPUState *cs)
{
    tcg_gen_insn_start(db->pc_next, (uint64_t)(db->num_insns - 1));
}

static void fake_translate_insn(DisasContextBase *db, CPUState *cs)
{
    /* one code byte per insn: registers the code page with the TB */
    translator_ldub(cs, db->pc_next);
    prog_ended = false;
    if (db->pc_first == TARGET_PC) {
        target_prog(db->num_insns - 1);
        db->is_jmp = DISAS_TARGET_0;
    } else {
        cur_prog(db->num_insns - 1);
        if (db->num_insns >= cur_len) {
            db->is_jmp = DISAS_TARGET_0;
        }
    }
    db->pc_next++;
    if (prog_ended) {
        db->is_jmp = DISAS_NORETURN;
    }
}

static void fake_tb_stop(DisasContextBase *db, CPUState *cs)
{
    if (db->is_jmp == DISAS_NORETURN) {
        return;
    }
    tcg_gen_call(fake_done, 0, NULL, tcgvp(tcg_ctx->env));
    tcg_gen_exit_tb(NULL, 0);
}

static const TranslatorOps fake_ops = {
    .init_disas_context = fake_init_disas,
    .tb_start = fake_tb_start,
    .insn_start = fake_insn_start,
    .translate_insn = fake_translate_insn,
    .tb_stop = fake_tb_stop,
};

static void fake_translate(CPUState *cs, TranslationBlock *tb, int max_insns)
{
    DisasContextBase db;

    if (!globals_ready) {
        static const char *names[NREGS] = { "r0", "r1", "r2", "r3" };
        for (int i = 0; i < NREGS; i++) {
            g_regs[i] = tcg_global_mem_new_i64(tcg_ctx->env,
                                               (intptr_t)offsetof(FakeEnv, regs[i]), names[i]);
        }
        g_pc = tcg_global_mem_new_i64(tcg_ctx->env, (intptr_t)offsetof(FakeEnv, pc), "pc");
        globals_ready = true;
    }
    nb_translations++;
    cur_db = &db;
    translator_loop(cs, tb, max_insns, &fake_ops, &db,
                    (intptr_t)((char *)&cs->exit_request - (char *)cs->env_ptr));
}

static const CPUClass fake_class = {
    .name = "fake-softmmu",
    .get_tb_cpu_state = fake_get_tb_cpu_state,
    .translate = fake_translate,
    .restore_state_to_opc = fake_restore,
    .tlb_fill = fake_tlb_fill,
    .do_unaligned_access = fake_unaligned,
};

/* Run prog (len insns) in a new TB; returns the exception it ended with
 * (EXCP_HLT: ran to the end). */
static int run(GenInsn prog, int len)
{
    cur_prog = prog;
    cur_len = len;
    cpu.env.pc = CODE_PC;
    static uint32_t run_id;
    cpu.env.tb_id = ++run_id;
    cpu.env.nb_restores = 0;
    return cpu_exec(&cpu.cs);
}

/* --- MMIO device ------------------------------------------------------ */

static uint64_t mmio_addr, mmio_data;
static unsigned mmio_size;
static int mmio_reads, mmio_writes;
#define MMIO_PATTERN 0x8899aabbccddeeffull

static uint64_t mmio_read(void *opaque, hwaddr addr, unsigned size)
{
    mmio_addr = addr;
    mmio_size = size;
    mmio_reads++;
    return size == 8 ? MMIO_PATTERN : MMIO_PATTERN & ((1ull << (8 * size)) - 1);
}

static void mmio_write(void *opaque, hwaddr addr, uint64_t data, unsigned size)
{
    mmio_addr = addr;
    mmio_data = data;
    mmio_size = size;
    mmio_writes++;
}

static const MemoryRegionOps mmio_ops = {
    .read = mmio_read,
    .write = mmio_write,
    .valid = { .min_access_size = 1, .max_access_size = 8 },
    .impl = { .min_access_size = 1, .max_access_size = 8 },
};

/* --- reference semantics ---------------------------------------------- */

static uint64_t ref_load(const uint8_t *p, MemOp mop, TCGType type)
{
    unsigned n = 1u << (mop & MO_SIZE);
    uint64_t v = 0;

    for (unsigned i = 0; i < n; i++) {
        unsigned sh = (mop & MO_BSWAP) ? 8 * (n - 1 - i) : 8 * i;
        v |= (uint64_t)p[i] << sh;
    }
    if ((mop & MO_SIGN) && n < 8 && (v >> (8 * n - 1))) {
        v |= ~0ull << (8 * n);
    }
    if (type == TCG_TYPE_I32) {
        v = (uint32_t)v;
    }
    return v;
}

static void ref_store(uint8_t *p, MemOp mop, uint64_t v)
{
    unsigned n = 1u << (mop & MO_SIZE);

    for (unsigned i = 0; i < n; i++) {
        unsigned sh = (mop & MO_BSWAP) ? 8 * (n - 1 - i) : 8 * i;
        p[i] = (uint8_t)(v >> sh);
    }
}

static void fill_pattern(uint8_t *p, size_t n, uint8_t seed)
{
    for (size_t i = 0; i < n; i++) {
        p[i] = (uint8_t)(seed + i * 37 + (i >> 8) * 11);
    }
}

/* --- program pieces ---------------------------------------------------- */

/* What the per-test programs do, set before run(). */
typedef struct Access {
    bool store;
    TCGType type;
    MemOp mop;
    unsigned mmu_idx;
    uint64_t addr;
    uint64_t val;   /* store: the value */
    bool const_val; /* store: as an immediate (else from a register) */
} Access;

static Access acc[NOUT];

/* insn k: out[k] = load acc[k], or store acc[k] */
static void gen_access(int k)
{
    Access *a = &acc[k];
    TCGv_i64 addr = tcg_temp_new_i64();

    tcg_gen_movi_i64(addr, (int64_t)a->addr);
    if (a->store) {
        if (a->type == TCG_TYPE_I32) {
            TCGv_i32 v = a->const_val ? tcg_constant_i32((int32_t)a->val) : tcg_temp_new_i32();
            if (!a->const_val) {
                tcg_gen_ld_i32(v, tcg_ctx->env, (intptr_t)offsetof(FakeEnv, out[k]));
            }
            tcg_gen_qemu_st_i32(v, addr, a->mmu_idx, a->mop);
        } else {
            TCGv_i64 v = a->const_val ? tcg_constant_i64((int64_t)a->val) : tcg_temp_new_i64();
            if (!a->const_val) {
                tcg_gen_ld_i64(v, tcg_ctx->env, (intptr_t)offsetof(FakeEnv, out[k]));
            }
            tcg_gen_qemu_st_i64(v, addr, a->mmu_idx, a->mop);
        }
    } else if (a->type == TCG_TYPE_I32) {
        TCGv_i32 v = tcg_temp_new_i32();
        TCGv_i64 w = tcg_temp_new_i64();
        tcg_gen_qemu_ld_i32(v, addr, a->mmu_idx, a->mop);
        /* bits 63:32 of the stored i64 show whether the i32 result was
         * kept zero-extended */
        tcg_gen_extu_i32_i64(w, v);
        tcg_gen_st_i64(w, tcg_ctx->env, (intptr_t)offsetof(FakeEnv, out[k]));
    } else {
        TCGv_i64 v = tcg_temp_new_i64();
        tcg_gen_qemu_ld_i64(v, addr, a->mmu_idx, a->mop);
        tcg_gen_st_i64(v, tcg_ctx->env, (intptr_t)offsetof(FakeEnv, out[k]));
    }
}

static void clear_acc(void)
{
    memset(acc, 0, sizeof(acc));
    memset(cpu.env.out, 0, sizeof(cpu.env.out));
}

/* Run acc[0..n) as one TB; the store values go through out[] (the
 * programs load them from there) */
static int run_accesses(int n)
{
    for (int k = 0; k < n; k++) {
        cpu.env.out[k] = acc[k].store ? acc[k].val : 0xdeadbeefdeadbeefull;
    }
    return run(gen_access, n);
}

/* --- hand-built tables -------------------------------------------------- */

static CPUTLBEntry *hand_entry(unsigned m, uint64_t vaddr)
{
    return &hand[m][(vaddr >> TARGET_PAGE_BITS) & (CPU_TLB_SIZE - 1)];
}

static void hand_set(unsigned m, uint64_t vpage, uint64_t read_tag, uint64_t write_tag,
                     uint8_t *host)
{
    CPUTLBEntry *e = hand_entry(m, vpage);

    e->addr_read = read_tag;
    e->addr_write = write_tag;
    e->addr_code = (uint64_t)-1;
    e->addend = (uintptr_t)host - vpage;
}

static void use_hand_tables(bool on)
{
    for (unsigned m = 0; m < 2; m++) {
        cpu.cs.tlb_fast[m].table = on ? hand[m] : real_table[m];
    }
    if (on) {
        memset(hand, 0xff, sizeof(hand));
    }
}

static const MemOp load_ops[] = {
    MO_UB, MO_SB, MO_UW, MO_SW, MO_UL, MO_SL, MO_UQ,
    MO_UW | MO_BSWAP, MO_SW | MO_BSWAP, MO_UL | MO_BSWAP, MO_SL | MO_BSWAP, MO_UQ | MO_BSWAP,
};
#define NB_LOAD_OPS ((int)(sizeof(load_ops) / sizeof(load_ops[0])))

static void test_fast_loads(void)
{
    uint8_t *sh = shadow[0];
    bool ok64 = true, ok32 = true;
    int n, exc;

    use_hand_tables(true);
    fill_pattern(sh, sizeof(shadow[0]), 0x81);
    hand_set(0, HAND_PAGE, HAND_PAGE, HAND_PAGE, sh);
    for (int ty = 0; ty < 2; ty++) {
        TCGType type = ty ? TCG_TYPE_I32 : TCG_TYPE_I64;
        clear_acc();
        n = 0;
        for (int i = 0; i < NB_LOAD_OPS; i++) {
            MemOp mop = load_ops[i];
            if (type == TCG_TYPE_I32 && (mop & MO_SIZE) == MO_64) {
                continue;
            }
            /* unaligned offsets inside the page, and the page's last bytes */
            uint64_t off = (i & 1) ? 0x123 + (uint64_t)i * 8 : 0x1000 - (1u << (mop & MO_SIZE));
            acc[n++] = (Access){ .type = type, .mop = mop, .addr = HAND_PAGE + off };
        }
        data_fills = 0;
        exc = run_accesses(n);
        for (int k = 0; k < n; k++) {
            uint64_t want = ref_load(sh + (acc[k].addr - HAND_PAGE), acc[k].mop, type);
            if (cpu.env.out[k] != want) {
                tap_diag("%s: load %d mop %#x: got %#llx want %#llx", backend_name, k,
                         acc[k].mop, (unsigned long long)cpu.env.out[k],
                         (unsigned long long)want);
                *(ty ? &ok32 : &ok64) = false;
            }
        }
        tap_ok(exc == EXCP_HLT && data_fills == 0 && (ty ? ok32 : ok64),
               "%s: %s loads of every size, sign and byte order hit the TLB inline", backend_name,
               ty ? "i32" : "i64");
    }
    use_hand_tables(false);
}

static void test_fast_stores(void)
{
    uint8_t *sh = shadow[0];
    uint8_t want[sizeof(shadow[0])];
    static const MemOp st_ops[] = { MO_8, MO_16, MO_32, MO_64, MO_16 | MO_BSWAP,
                                    MO_32 | MO_BSWAP, MO_64 | MO_BSWAP };
    int n = 0, exc;

    use_hand_tables(true);
    memset(sh, 0, sizeof(shadow[0]));
    hand_set(0, HAND_PAGE, HAND_PAGE, HAND_PAGE, sh);
    clear_acc();
    memset(want, 0, sizeof(want));
    for (int i = 0; i < 7; i++) {
        for (int c = 0; c < 2; c++) {
            for (int ty = 0; ty < 2; ty++) {
                MemOp mop = st_ops[i];
                if (ty && (mop & MO_SIZE) == MO_64) {
                    continue;
                }
                uint64_t v = 0x0123456789abcdefull * (uint64_t)(n + 3) + 0x8080808080808080ull;
                if (c && (mop & MO_SIZE) == MO_64) {
                    v = (uint64_t)(int64_t)(int32_t)v; /* an immediate that fits */
                }
                acc[n] = (Access){ .store = true, .type = ty ? TCG_TYPE_I32 : TCG_TYPE_I64,
                                   .mop = mop, .addr = HAND_PAGE + 0x101 + (uint64_t)n * 9,
                                   .val = ty ? (uint32_t)v : v, .const_val = c };
                ref_store(want + 0x101 + n * 9, mop, acc[n].val);
                n++;
            }
        }
    }
    data_fills = 0;
    exc = run_accesses(n);
    tap_ok(exc == EXCP_HLT && data_fills == 0 && memcmp(sh, want, sizeof(want)) == 0,
           "%s: stores of every size and byte order, from registers and immediates, hit the "
           "TLB inline",
           backend_name);
    use_hand_tables(false);
}

static void test_mmu_idx(void)
{
    int exc;

    use_hand_tables(true);
    fill_pattern(shadow[0], 4096, 1);
    fill_pattern(shadow[1], 4096, 2);
    hand_set(0, HAND_PAGE, HAND_PAGE, HAND_PAGE, shadow[0]);
    hand_set(1, HAND_PAGE, HAND_PAGE, HAND_PAGE, shadow[1]);
    clear_acc();
    acc[0] = (Access){ .type = TCG_TYPE_I64, .mop = MO_UQ, .addr = HAND_PAGE + 0x40 };
    acc[1] = (Access){ .type = TCG_TYPE_I64, .mop = MO_UQ, .addr = HAND_PAGE + 0x40, .mmu_idx = 1 };
    acc[2] = (Access){ .store = true, .type = TCG_TYPE_I64, .mop = MO_UQ,
                       .addr = HAND_PAGE + 0x80, .mmu_idx = 1, .val = 0x1111222233334444ull };
    exc = run_accesses(3);
    tap_ok(exc == EXCP_HLT && cpu.env.out[0] == ref_load(shadow[0] + 0x40, MO_UQ, TCG_TYPE_I64) &&
               cpu.env.out[1] == ref_load(shadow[1] + 0x40, MO_UQ, TCG_TYPE_I64) &&
               ref_load(shadow[1] + 0x80, MO_UQ, TCG_TYPE_I64) == 0x1111222233334444ull &&
               ref_load(shadow[0] + 0x80, MO_UQ, TCG_TYPE_I64) !=
                   0x1111222233334444ull,
           "%s: each mmu_idx uses its own table", backend_name);
    use_hand_tables(false);
}

/* Entries with flags (or not allowing the access) must go to the slow
 * path, which finds the page in the real TLB: RAM, not the shadow. */
static void test_flagged_entries(void)
{
    static const struct {
        uint64_t rflags, wflags;
        const char *what;
    } cases[] = {
        { TLB_MMIO, TLB_MMIO, "TLB_MMIO" },
        { 0, TLB_NOTDIRTY, "TLB_NOTDIRTY (writes)" },
        { TLB_INVALID, TLB_INVALID, "TLB_INVALID" },
        { 0, (uint64_t)-1, "no write permission (writes)" },
    };
    uint64_t page = VBASE + 0x20000;
    uint8_t *rp = ram_host + 0x20000;

    for (int c = 0; c < 4; c++) {
        int exc;
        use_hand_tables(true);
        fill_pattern(shadow[0], 4096, 0x10);
        fill_pattern(rp, 4096, 0x60);
        uint64_t wtag = cases[c].wflags == (uint64_t)-1 ? (uint64_t)-1 : page | cases[c].wflags;
        hand_set(0, page, page | cases[c].rflags, wtag, shadow[0]);
        clear_acc();
        acc[0] = (Access){ .type = TCG_TYPE_I64, .mop = MO_UL, .addr = page + 0x10 };
        acc[1] = (Access){ .store = true, .type = TCG_TYPE_I64, .mop = MO_UL,
                           .addr = page + 0x20, .val = 0xfeedface };
        exc = run_accesses(2);
        bool load_ok = cpu.env.out[0] == ref_load((cases[c].rflags ? rp : shadow[0]) + 0x10,
                                                  MO_UL, TCG_TYPE_I64);
        bool store_ok = ref_load(rp + 0x20, MO_UL, TCG_TYPE_I64) == 0xfeedface &&
                        ref_load(shadow[0] + 0x20, MO_UL, TCG_TYPE_I64) != 0xfeedface;
        tap_ok(exc == EXCP_HLT && load_ok && store_ok, "%s: an entry with %s takes the slow path",
               backend_name, cases[c].what);
        use_hand_tables(false);
    }
}

/* Hand entries for two consecutive RAM pages: an access that crosses from
 * one into the next must not use the first page's addend for both. */
static void test_crossing_hand(void)
{
    uint64_t page = VBASE + 0x30000;
    uint8_t *rp = ram_host + 0x30000;
    bool ok = true;
    int exc;

    use_hand_tables(true);
    fill_pattern(shadow[0], 2 * 4096, 0x20);
    fill_pattern(rp, 2 * 4096, 0x99);
    hand_set(0, page, page, page, shadow[0]);
    hand_set(0, page + 4096, page + 4096, page + 4096, shadow[0] + 4096);
    clear_acc();
    for (int s = MO_16; s <= MO_64; s++) {
        unsigned n = 1u << s;
        int k = 2 * (s - 1);
        acc[k] = (Access){ .type = TCG_TYPE_I64, .mop = (MemOp)s, .addr = page + 4096 - n };
        acc[k + 1] = (Access){ .type = TCG_TYPE_I64, .mop = (MemOp)s, .addr = page + 4096 - 1 };
    }
    acc[6] = (Access){ .store = true, .type = TCG_TYPE_I64, .mop = MO_64,
                       .addr = page + 4096 - 3, .val = 0xa1a2a3a4a5a6a7a8ull };
    uint8_t before[16]; /* what the loads see: the store comes after them */
    memcpy(before, rp + 4096 - 8, 16);
    exc = run_accesses(7);
    for (int s = MO_16; s <= MO_64; s++) {
        unsigned n = 1u << s;
        int k = 2 * (s - 1);
        uint64_t w0 = ref_load(shadow[0] + 4096 - n, (MemOp)s, TCG_TYPE_I64);
        uint64_t w1 = ref_load(before + 7, (MemOp)s, TCG_TYPE_I64);
        if (cpu.env.out[k] != w0 || cpu.env.out[k + 1] != w1) {
            tap_diag("%s: size %u: got %#llx %#llx want %#llx %#llx", backend_name, n,
                     (unsigned long long)cpu.env.out[k], (unsigned long long)cpu.env.out[k + 1],
                     (unsigned long long)w0, (unsigned long long)w1);
            ok = false;
        }
    }
    ok &= ref_load(rp + 4096 - 3, MO_64, TCG_TYPE_I64) == 0xa1a2a3a4a5a6a7a8ull;
    ok &= ref_load(shadow[0] + 4096 - 3, MO_64, TCG_TYPE_I64) != 0xa1a2a3a4a5a6a7a8ull;
    tap_ok(exc == EXCP_HLT && ok,
           "%s: accesses ending on their page's last byte are inline, ones crossing into the "
           "next page take the slow path",
           backend_name);
    use_hand_tables(false);
}

static void test_alignment(void)
{
    static const struct {
        MemOp mop;
        bool store;
        uint64_t off;
        bool faults;
    } cases[] = {
        { MO_UL | MO_ALIGN, false, 0x104, false },
        { MO_UL | MO_ALIGN, false, 0x102, true },
        { MO_UQ | MO_ALIGN, true, 0x108, false },
        { MO_UQ | MO_ALIGN, true, 0x10c, true },
        { MO_UQ | MO_ALIGN_16, false, 0x110, false },
        { MO_UQ | MO_ALIGN_16, false, 0x118, true },
        { MO_UW | MO_ALIGN, true, 0x201, true },
    };
    for (int c = 0; c < (int)(sizeof(cases) / sizeof(cases[0])); c++) {
        int exc;
        use_hand_tables(true);
        fill_pattern(shadow[0], 4096, 0x33);
        hand_set(0, HAND_PAGE, HAND_PAGE, HAND_PAGE, shadow[0]);
        clear_acc();
        /* insn 0 loads; insn 1 is the access; insn 2 must not run on a fault */
        acc[1] = (Access){ .store = cases[c].store, .type = TCG_TYPE_I64, .mop = cases[c].mop,
                           .addr = HAND_PAGE + cases[c].off, .val = 0x5a5a5a5a5a5a5a5aull };
        acc[0] = (Access){ .type = TCG_TYPE_I64, .mop = MO_UB, .addr = HAND_PAGE };
        acc[2] = (Access){ .type = TCG_TYPE_I64, .mop = MO_UB, .addr = HAND_PAGE + 1 };
        exc = run_accesses(3);
        bool ok;
        if (cases[c].faults) {
            ok = exc == EXCP_AC && cpu.env.nb_restores == 1 && cpu.env.restored[1] == 1 &&
                 cpu.env.restored[0] == CODE_PC + 1 && cpu.env.pc == CODE_PC + 1 &&
                 cpu.env.out[0] == shadow[0][0] && cpu.env.out[2] == 0xdeadbeefdeadbeefull;
        } else if (cases[c].store) {
            ok = exc == EXCP_HLT &&
                 ref_load(shadow[0] + cases[c].off, cases[c].mop & MO_SIZE, TCG_TYPE_I64) ==
                     0x5a5a5a5a5a5a5a5aull;
        } else {
            ok = exc == EXCP_HLT && cpu.env.out[1] == ref_load(shadow[0] + cases[c].off,
                                                               cases[c].mop & MO_SIZE,
                                                               TCG_TYPE_I64);
        }
        tap_ok(ok, "%s: %s %s at +%#llx with alignment %u %s", backend_name,
               cases[c].store ? "store" : "load", (cases[c].mop & MO_SIZE) == MO_64 ? "64" : "<64",
               (unsigned long long)cases[c].off, 1u << memop_align_bits(cases[c].mop),
               cases[c].faults ? "faults at the right insn" : "is done inline");
        use_hand_tables(false);
    }
}

/* --- the real TLB --------------------------------------------------------- */

static void test_fill(void)
{
    uint64_t page = VBASE + 0x40000;
    int exc;

    tlb_flush(&cpu.cs);
    fill_pattern(ram_host + 0x40000, 4096, 0x44);
    clear_acc();
    acc[0] = (Access){ .type = TCG_TYPE_I64, .mop = MO_UQ, .addr = page + 0x18 };
    acc[1] = (Access){ .type = TCG_TYPE_I64, .mop = MO_UW, .addr = page + 0x7 };
    acc[2] = (Access){ .store = true, .type = TCG_TYPE_I64, .mop = MO_32, .addr = page + 0x30,
                       .val = 0xc0ffee };
    data_fills = 0;
    exc = run_accesses(3);
    int fills = data_fills;
    tap_ok(exc == EXCP_HLT && fills == 1 &&
               cpu.env.out[0] == ref_load(ram_host + 0x40018, MO_UQ, TCG_TYPE_I64) &&
               cpu.env.out[1] == ref_load(ram_host + 0x40007, MO_UW, TCG_TYPE_I64) &&
               ref_load(ram_host + 0x40030, MO_UL, TCG_TYPE_I64) == 0xc0ffee,
           "%s: a miss fills the TLB through tlb_fill, later accesses to the page hit (%d fill)",
           backend_name, fills);
    data_fills = 0;
    exc = run_accesses(3);
    tap_ok(exc == EXCP_HLT && data_fills == 0, "%s: a second TB finds the page in the TLB",
           backend_name);
}

static void test_mmio(void)
{
    static const MemOp ops[] = { MO_UB, MO_SB, MO_UW, MO_SW, MO_UL, MO_SL, MO_UQ,
                                 MO_UL | MO_BSWAP };
    bool ok = true;
    int exc;

    for (int ty = 0; ty < 2; ty++) {
        for (int i = 0; i < 8; i++) {
            TCGType type = ty ? TCG_TYPE_I32 : TCG_TYPE_I64;
            MemOp mop = ops[i];
            if (ty && (mop & MO_SIZE) == MO_64) {
                continue;
            }
            unsigned n = 1u << (mop & MO_SIZE);
            uint8_t dev[8];
            uint64_t off = 0x40 + (uint64_t)i * 8;
            clear_acc();
            acc[0] = (Access){ .type = type, .mop = mop, .addr = VBASE + MMIO_PHYS + off };
            mmio_reads = 0;
            exc = run_accesses(1);
            ref_store(dev, MO_64, MMIO_PATTERN & (n == 8 ? ~0ull : (1ull << (8 * n)) - 1));
            uint64_t want = ref_load(dev, mop, type);
            if (exc != EXCP_HLT || mmio_reads != 1 || mmio_addr != off || mmio_size != n ||
                cpu.env.out[0] != want) {
                tap_diag("%s: MMIO load mop %#x type %d: got %#llx want %#llx (exc %#x)",
                         backend_name, mop, ty, (unsigned long long)cpu.env.out[0],
                         (unsigned long long)want, exc);
                ok = false;
            }
        }
    }
    tap_ok(ok, "%s: MMIO loads of every size reach the device and are extended", backend_name);

    ok = true;
    for (int s = MO_8; s <= MO_64; s++) {
        uint64_t off = 0x100 + (uint64_t)s * 16;
        clear_acc();
        acc[0] = (Access){ .store = true, .type = TCG_TYPE_I64, .mop = (MemOp)s,
                           .addr = VBASE + MMIO_PHYS + off, .val = 0x0102030405060708ull };
        acc[1] = (Access){ .store = true, .type = TCG_TYPE_I64, .mop = (MemOp)s,
                           .addr = VBASE + MMIO_PHYS + off + 8, .val = 0x1122334455667788ull,
                           .const_val = true };
        mmio_writes = 0;
        exc = run_accesses(2);
        unsigned n = 1u << s;
        uint64_t mask = n == 8 ? ~0ull : (1ull << (8 * n)) - 1;
        if (exc != EXCP_HLT || mmio_writes != 2 || mmio_addr != off + 8 || mmio_size != n ||
            mmio_data != (0x1122334455667788ull & mask)) {
            ok = false;
        }
    }
    tap_ok(ok, "%s: MMIO stores of every size reach the device", backend_name);
}

static void test_notdirty(void)
{
    uint64_t page = VBASE + 0x50000;
    ram_addr_t ra = memory_region_get_ram_addr(&ram) + 0x50000;
    CPUTLBEntry *e = &real_table[0][(page >> TARGET_PAGE_BITS) & (CPU_TLB_SIZE - 1)];
    int exc;

    clear_acc();
    acc[0] = (Access){ .type = TCG_TYPE_I64, .mop = MO_UB, .addr = page };
    run_accesses(1); /* the page is in the TLB */
    cpu_physical_memory_clear_dirty_range(ra, RAM_PAGE_SIZE, DIRTY_MEMORY_MIGRATION);
    bool armed = (e->addr_write & TLB_NOTDIRTY) != 0;
    clear_acc();
    acc[0] = (Access){ .store = true, .type = TCG_TYPE_I64, .mop = MO_UW, .addr = page + 0x10,
                       .val = 0xbeef };
    acc[1] = (Access){ .store = true, .type = TCG_TYPE_I64, .mop = MO_UW, .addr = page + 0x12,
                       .val = 0xcafe };
    exc = run_accesses(2);
    tap_ok(armed && exc == EXCP_HLT &&
               (cpu_physical_memory_get_dirty_flags(ra) & DIRTY_MEMORY_MIGRATION) &&
               !(e->addr_write & TLB_NOTDIRTY) && ram_host[0x50010] == 0xef &&
               ram_host[0x50011] == 0xbe && ram_host[0x50012] == 0xfe,
           "%s: a store to a not-dirty page sets its dirty flags through the slow path and "
           "makes it fast again",
           backend_name);
}

/* A program whose insn FAULT_INSN accesses an unmapped page. */
static int fault_insn_kind;
static void gen_fault_prog(int k)
{
    TCGv_i64 a = tcg_temp_new_i64();
    TCGv_i64 v = tcg_temp_new_i64();

    switch (k) {
    case 0:
        tcg_gen_movi_i64(g_regs[1], 0x1234);
        break;
    case 1:
        tcg_gen_addi_i64(g_regs[2], g_regs[2], 5);
        break;
    case 2:
        switch (fault_insn_kind) {
        case 0:
            tcg_gen_movi_i64(a, (int64_t)FAULT_ADDR + 0x10);
            tcg_gen_qemu_ld_i64(v, a, 0, MO_UQ);
            tcg_gen_mov_i64(g_regs[3], v);
            break;
        case 1:
            tcg_gen_movi_i64(a, (int64_t)FAULT_ADDR + 0x10);
            tcg_gen_qemu_st_i64(g_regs[1], a, 0, MO_UL);
            break;
        default:
            /* crosses from a mapped page into an unmapped one */
            tcg_gen_movi_i64(a, (int64_t)(HOLE - 2));
            tcg_gen_qemu_st_i64(g_regs[1], a, 0, MO_UL);
            break;
        }
        break;
    default:
        tcg_gen_movi_i64(g_regs[0], 0x777);
        break;
    }
}

static void test_faults(void)
{
    static const char *what[] = { "load", "store", "page-crossing store" };

    for (int kind = 0; kind < 3; kind++) {
        fault_insn_kind = kind;
        cpu.env.regs[0] = 0;
        cpu.env.regs[1] = 0;
        cpu.env.regs[2] = 100;
        cpu.env.regs[3] = 0x33;
        memset(ram_host + (HOLE - VBASE) - 4, 0x5e, 4);
        int exc = run(gen_fault_prog, 4);
        tap_ok(exc == EXCP_PF && cpu.env.nb_restores == 1 && cpu.env.restored[0] == CODE_PC + 2 &&
                   cpu.env.restored[1] == 2 && cpu.env.regs[1] == 0x1234 &&
                   cpu.env.regs[2] == 105 && cpu.env.regs[3] == 0x33 && cpu.env.regs[0] == 0 &&
                   ref_load(ram_host + (HOLE - VBASE) - 4, MO_UL, TCG_TYPE_I64) == 0x5e5e5e5e,
               "%s: a %s faulting in tlb_fill restores insn 2's state, with the globals "
               "written before it",
               backend_name, what[kind]);
    }
}

static void test_crossing_real(void)
{
    uint64_t page = VBASE + 0x60000;
    uint8_t *rp = ram_host + 0x60000;
    int exc;

    fill_pattern(rp, 2 * 4096, 0x71);
    clear_acc();
    acc[0] = (Access){ .type = TCG_TYPE_I64, .mop = MO_UQ, .addr = page + 4096 - 5 };
    acc[1] = (Access){ .type = TCG_TYPE_I32, .mop = MO_SL | MO_BSWAP, .addr = page + 4096 - 1 };
    acc[2] = (Access){ .store = true, .type = TCG_TYPE_I64, .mop = MO_UQ,
                       .addr = page + 2 * 4096 - 4, .val = 0x0f1e2d3c4b5a6978ull };
    exc = run_accesses(3);
    tap_ok(exc == EXCP_HLT && cpu.env.out[0] == ref_load(rp + 4096 - 5, MO_UQ, TCG_TYPE_I64) &&
               cpu.env.out[1] == ref_load(rp + 4096 - 1, MO_SL | MO_BSWAP, TCG_TYPE_I32) &&
               ref_load(rp + 2 * 4096 - 4, MO_UQ, TCG_TYPE_I64) == 0x0f1e2d3c4b5a6978ull,
           "%s: loads and stores across a page boundary through the real TLB", backend_name);
}

/* Many values live in host registers across slow-path accesses. */
static void gen_pressure(int k)
{
    TCGv_i64 t[NLIVE];
    TCGv_i64 a = tcg_temp_new_i64(), v = tcg_temp_new_i64(), v2 = tcg_temp_new_i64();
    TCGv_i32 w = tcg_temp_new_i32();

    (void)k;
    tcg_gen_ld_i32(w, tcg_ctx->env, (intptr_t)offsetof(FakeEnv, in[5]));
    for (int i = 0; i < NLIVE; i++) {
        t[i] = tcg_temp_new_i64();
        tcg_gen_ld_i64(t[i], tcg_ctx->env, (intptr_t)offsetof(FakeEnv, in[i]));
    }
    tcg_gen_movi_i64(a, (int64_t)(VBASE + MMIO_PHYS + 0x8));
    tcg_gen_qemu_ld_i64(v, a, 0, MO_UQ); /* slow path */
    tcg_gen_qemu_st_i64(t[3], a, 0, MO_UQ); /* slow path */
    tcg_gen_movi_i64(a, (int64_t)(VBASE + 0x70000 + 8));
    tcg_gen_qemu_ld_i64(v2, a, 0, MO_UQ); /* RAM (a miss the first time) */
    tcg_gen_qemu_st_i32(w, a, 1, MO_UL);  /* another mmu_idx: a miss */
    for (int i = 0; i < NLIVE; i++) {
        tcg_gen_add_i64(t[i], t[i], v);
        tcg_gen_add_i64(t[i], t[i], v2);
        tcg_gen_st_i64(t[i], tcg_ctx->env, (intptr_t)offsetof(FakeEnv, out[i]));
    }
}

static void test_pressure(void)
{
    bool ok = true;

    for (int i = 0; i < NLIVE; i++) {
        cpu.env.in[i] = 0x1000000000ull * (uint64_t)(i + 1) + (uint64_t)i * 7;
    }
    uint64_t r = 0x0102030405060708ull;
    memcpy(ram_host + 0x70008, &r, 8);
    mmio_writes = 0;
    int exc = run(gen_pressure, 1);
    for (int i = 0; i < NLIVE; i++) {
        ok &= cpu.env.out[i] == cpu.env.in[i] + MMIO_PATTERN + r;
    }
    tap_ok(exc == EXCP_HLT && ok && mmio_writes == 1 && mmio_data == cpu.env.in[3] &&
               ref_load(ram_host + 0x70008, MO_UL, TCG_TYPE_I64) == (uint32_t)cpu.env.in[5],
           "%s: %d values live across slow-path calls survive", backend_name, NLIVE);
}

/* --- indirect jumps: tb_gen_lookup_and_goto_ptr ---------------------------- */

/* at TARGET_PC: record the TB's key and count the visits */
static void target_prog(int k)
{
    TCGv_i64 t = tcg_temp_new_i64();

    (void)k;
    tcg_gen_movi_i64(t, (int64_t)cur_db->tb->flags);
    tcg_gen_st_i64(t, tcg_ctx->env, (intptr_t)offsetof(FakeEnv, out[20]));
    tcg_gen_movi_i64(t, (int64_t)cur_db->tb->cs_base);
    tcg_gen_st_i64(t, tcg_ctx->env, (intptr_t)offsetof(FakeEnv, out[21]));
    tcg_gen_ld_i64(t, tcg_ctx->env, (intptr_t)offsetof(FakeEnv, out[22]));
    tcg_gen_addi_i64(t, t, 1);
    tcg_gen_st_i64(t, tcg_ctx->env, (intptr_t)offsetof(FakeEnv, out[22]));
}

/* The state the jumping TB sets before its indirect jump to TARGET_PC
 * (-1: leave it). */
static int64_t jump_flags = -1, jump_cs_base = -1;

static void gen_jump_prog(int k)
{
    TCGv_i64 csb = tcg_temp_new_i64();
    TCGv_i32 fl = tcg_temp_new_i32();

    (void)k;
    tcg_gen_movi_i64(g_pc, (int64_t)TARGET_PC);
    if (jump_flags >= 0) {
        tcg_gen_st_i32(tcg_constant_i32((int32_t)jump_flags), tcg_ctx->env,
                       (intptr_t)offsetof(FakeEnv, tb_id));
    }
    if (jump_cs_base >= 0) {
        tcg_gen_st_i64(tcg_constant_i64(jump_cs_base), tcg_ctx->env,
                       (intptr_t)offsetof(FakeEnv, cs_base));
    }
    tcg_gen_ld_i64(csb, tcg_ctx->env, (intptr_t)offsetof(FakeEnv, cs_base));
    tcg_gen_ld_i32(fl, tcg_ctx->env, (intptr_t)offsetof(FakeEnv, tb_id));
    tb_gen_lookup_and_goto_ptr(cur_db->tb, g_pc, csb, fl);
    prog_ended = true;
}

/* Run the jumping TB with key (CODE_PC, cs_base 0, flags); the counters
 * say how the jump went. */
static int run_jump(uint32_t flags, int64_t set_flags, int64_t set_cs_base)
{
    int exc;

    jump_flags = set_flags;
    jump_cs_base = set_cs_base;
    cur_prog = gen_jump_prog;
    cur_len = 1;
    cpu.env.pc = CODE_PC;
    cpu.env.cs_base = 0;
    cpu.env.tb_id = flags;
    nb_get_state = nb_translations = 0;
    cpu.env.out[20] = cpu.env.out[21] = 0xdead;
    exc = cpu_exec(&cpu.cs);
    if (exc != EXCP_HLT) {
        tap_diag("%s: jump: exception %#x", backend_name, exc);
    }
    return exc;
}

static void test_indirect_jumps(void)
{
    uint32_t f = 0x40000000; /* far from run()'s ids */
    ram_addr_t target_page = memory_region_get_ram_addr(&ram) + TARGET_PC;
    int exc;

    cpu.env.out[22] = 0;
    exc = run_jump(f, -1, -1);
    tap_ok(exc == EXCP_HLT && cpu.env.out[20] == f && cpu.env.out[22] == 1 &&
               nb_translations == 2 && nb_get_state == 3,
           "%s: an indirect jump to a TB not in the jump cache goes through the helper and the "
           "loop (%d translations, %d state reads)",
           backend_name, nb_translations, nb_get_state);
    exc = run_jump(f, -1, -1);
    tap_ok(exc == EXCP_HLT && cpu.env.out[20] == f && cpu.env.out[22] == 2 &&
               nb_translations == 0 && nb_get_state == 1,
           "%s: once it is there, the jump goes straight to it (%d state reads)", backend_name,
           nb_get_state);

    tb_invalidate_phys_range(target_page, target_page + TARGET_PAGE_SIZE);
    exc = run_jump(f, -1, -1);
    tap_ok(exc == EXCP_HLT && cpu.env.out[20] == f && cpu.env.out[22] == 3 &&
               nb_translations == 1 && nb_get_state == 3,
           "%s: an invalidated TB in the jump cache is not entered (%d translations)",
           backend_name, nb_translations);
    exc = run_jump(f, -1, -1);
    tap_ok(exc == EXCP_HLT && cpu.env.out[22] == 4 && nb_translations == 0 && nb_get_state == 1,
           "%s: its new translation is then found inline", backend_name);

    /* the key is the state at the jump, not the jumping TB's */
    exc = run_jump(f + 1, f, -1);
    tap_ok(exc == EXCP_HLT && cpu.env.out[20] == f && cpu.env.out[22] == 5 &&
               nb_translations == 1 && nb_get_state == 1,
           "%s: flags written before the jump select the TB (a hit)", backend_name);
    exc = run_jump(f + 2, f + 3, -1);
    tap_ok(exc == EXCP_HLT && cpu.env.out[20] == f + 3 && cpu.env.out[22] == 6 &&
               nb_translations == 2 && nb_get_state == 3,
           "%s: a TB with other flags in the jump cache is not entered", backend_name);
    run_jump(f, -1, -1); /* B(f) back in the jump cache */
    exc = run_jump(f + 4, f, 0x10);
    tap_ok(exc == EXCP_HLT && cpu.env.out[20] == f && cpu.env.out[21] == 0x10 &&
               cpu.env.out[22] == 8 && nb_translations == 2 && nb_get_state == 3,
           "%s: a TB with another cs_base in the jump cache is not entered", backend_name);
    cpu.env.cs_base = 0;
}

static void run_all(void)
{
    test_fast_loads();
    test_fast_stores();
    test_mmu_idx();
    test_flagged_entries();
    test_crossing_hand();
    test_alignment();
    test_fill();
    test_mmio();
    test_notdirty();
    test_faults();
    test_crossing_real();
    test_pressure();
    test_indirect_jumps();
}

int main(void)
{
    bql_lock();
    memory_region_init_ram(&ram, NULL, "ram", RAM_SIZE, NULL);
    memory_region_init_io(&mmio, NULL, &mmio_ops, NULL, "mmio", 0x1000);
    memory_region_add_subregion(get_system_memory(), 0, &ram);
    memory_region_add_subregion(get_system_memory(), MMIO_PHYS, &mmio);
    bql_unlock();
    ram_host = memory_region_get_ram_ptr(&ram);

    tcg_exec_init(16u << 20, false);
    cpu.cs.cc = &fake_class;
    cpu.cs.env_ptr = &cpu.env;
    cpu.cs.exception_index = -1;
    tlb_init(&cpu.cs, &address_space_memory);
    real_table[0] = cpu.cs.tlb_fast[0].table;
    real_table[1] = cpu.cs.tlb_fast[1].table;
    tap_ok(tcg_ctx->softmmu && tcg_ctx->tlb_fast_ofs == TLB_FAST_OFS(&cpu.cs, &cpu.env, 0),
           "tlb_init switches code generation to the softmmu TLB");

    backend_name = "x86_64";
    run_all();

    /* the same again with TCI: a fresh context and code cache */
    tcg_backend = &tcg_backend_tci;
    tcg_context_init(&tcg_backend_tci, tcg_ctx->code_gen_buffer, tcg_ctx->code_gen_buffer_size);
    tcg_ctx->softmmu = true;
    tcg_ctx->tlb_fast_ofs = TLB_FAST_OFS(&cpu.cs, &cpu.env, 0);
    globals_ready = false;
    tb_flush(NULL);
    backend_name = "tci";
    run_all();
    return tap_done();
}
