/*
 * Code generation for the execution loop: the code buffer, TB allocation,
 * tb_gen_code (guest -> IR -> host code for one TB), flushing, and mapping
 * a host pc back to the guest instruction it belongs to.
 *
 * TBs and their restore data live in an arena beside the code buffer; both
 * are only ever reset together by a flush, so TBs are allocated, and their
 * code laid out, in increasing address order: tcg_tb_lookup() is a binary
 * search over tb_by_code[].
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#include "internal.h"
#include "exec/translator.h"
#include "tcg/tci.h"
#ifndef CONFIG_USER_ONLY
#include "exec/cputlb.h"
#endif
#include "util/disas.h"
#include "util/log.h"

const TCGBackend *tcg_backend;
uintptr_t guest_base;

static pthread_mutex_t tb_mutex = PTHREAD_MUTEX_INITIALIZER;
static __thread bool tb_lock_owner;

static uint8_t *code_ptr;  /* next free byte of the code buffer */
static uint8_t *code_end;
static uint8_t *arena_base, *arena_ptr, *arena_end;
static TranslationBlock **tb_by_code;
static size_t tb_by_code_max;
static size_t tb_count; /* published with release stores */

void tb_lock(void)
{
    pthread_mutex_lock(&tb_mutex);
    tb_lock_owner = true;
}

void tb_unlock(void)
{
    tb_lock_owner = false;
    pthread_mutex_unlock(&tb_mutex);
}

bool tb_lock_held(void) { return tb_lock_owner; }

static void *arena_alloc(size_t size)
{
    size = (size + 15) & ~(size_t)15;
    if ((size_t)(arena_end - arena_ptr) < size) {
        return NULL;
    }
    void *p = arena_ptr;
    arena_ptr += size;
    return p;
}

void tcg_exec_init(size_t code_cache_size, bool use_tci)
{
    tcg_backend = use_tci ? &tcg_backend_tci : &tcg_backend_x86_64;
    int prot = PROT_READ | PROT_WRITE | (tcg_backend->needs_exec_memory ? PROT_EXEC : 0);
    void *buf = mmap(NULL, code_cache_size, prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (buf == MAP_FAILED) {
        perror("tern: cannot allocate the translation cache");
        exit(1);
    }
    /* TB metadata: descriptors plus per-insn restore data */
    size_t arena_size = code_cache_size / 2;
    arena_base = mmap(NULL, arena_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
                      -1, 0);
    tb_by_code_max = code_cache_size / 64;
    tb_by_code = mmap(NULL, tb_by_code_max * sizeof(*tb_by_code), PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (arena_base == MAP_FAILED || tb_by_code == MAP_FAILED) {
        perror("tern: cannot allocate the translation cache");
        exit(1);
    }
    arena_ptr = arena_base;
    arena_end = arena_base + arena_size;

    tcg_context_init(tcg_backend, buf, code_cache_size);
    tcg_ctx->guest_base = guest_base;
    code_ptr = (uint8_t *)buf + ((tcg_ctx->prologue_size + 63) & ~(size_t)63);
    code_end = (uint8_t *)buf + code_cache_size;
    tb_maint_init();
}

/* Drop all TBs. Called with tb_lock held and every other CPU stopped. */
void tb_flush_locked_exclusive(void)
{
    log_mask_printf(LOG_EXEC, "tb_flush: %zu TBs\n", tb_count);
    tb_maint_reset();
    __atomic_store_n(&tb_count, 0, __ATOMIC_RELEASE);
    arena_ptr = arena_base;
    code_ptr = (uint8_t *)tcg_ctx->code_gen_buffer +
               ((tcg_ctx->prologue_size + 63) & ~(size_t)63);
}

TranslationBlock *tcg_tb_lookup(uintptr_t pc)
{
    size_t lo = 0, hi = __atomic_load_n(&tb_count, __ATOMIC_ACQUIRE);

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        TranslationBlock *tb = tb_by_code[mid];
        uintptr_t start = (uintptr_t)tb->tc_ptr;
        if (pc < start) {
            hi = mid;
        } else if (pc >= start + tb->tc_size) {
            lo = mid + 1;
        } else {
            return tb;
        }
    }
    return NULL;
}

bool cpu_restore_state(CPUState *cs, uintptr_t host_pc)
{
    if (!tcg_backend) {
        return false;
    }
    uintptr_t pc = tcg_backend->unwind_pc(host_pc);
    TranslationBlock *tb = tcg_tb_lookup(pc - 1);
    if (!tb || tb->nb_insns == 0) {
        return false;
    }
    uintptr_t off = pc - 1 - (uintptr_t)tb->tc_ptr;
    int i;
    for (i = 0; i < tb->nb_insns - 1; i++) {
        if (off < tb->insn_end_off[i]) {
            break;
        }
    }
    cs->cc->restore_state_to_opc(cs, tb, tb->insn_data[i]);
    return true;
}

static void log_tb(CPUState *cs, TranslationBlock *tb)
{
    if (log_enabled(LOG_IN_ASM)) {
        log_lock();
        fprintf(log_file, "IN: pc=0x%016llx flags=0x%x\n", (unsigned long long)tb->pc,
                tb->flags);
        int mode = cs->cc->disas_mode ? cs->cc->disas_mode(cs, tb->flags) : DISAS_X86_64;
#ifdef CONFIG_USER_ONLY
        disas_x86(log_file, (DisasMode)mode, tb->pc, g2h(tb->pc), tb->size);
#else
        uint8_t code[TCG_MAX_INSNS * 16];
        uint32_t n = tb->size < sizeof(code) ? tb->size : (uint32_t)sizeof(code);
        for (uint32_t i = 0; i < n; i++) {
            void *host;
            ram_addr_t ra = get_page_addr_code(cs, tb->pc + i, &host, true);
            code[i] = ra == RAM_ADDR_INVALID ? 0 : *(uint8_t *)host;
        }
        disas_x86(log_file, (DisasMode)mode, tb->pc, code, n);
#endif
        fputc('\n', log_file);
        log_unlock();
    }
    if (log_enabled(LOG_OUT_ASM)) {
        log_lock();
        fprintf(log_file, "OUT: [size=%u]\n", tb->tc_size);
        if (tcg_backend == &tcg_backend_x86_64) {
            disas_x86(log_file, DISAS_X86_64, (uintptr_t)tb->tc_ptr, tb->tc_ptr, tb->tc_size);
        } else {
            tci_disas(log_file, tb->tc_ptr, tb->tc_size);
        }
        fputc('\n', log_file);
        log_unlock();
    }
}

/*
 * TERN_PERFMAP=1 in the environment: every new TB is written to
 * /tmp/perf-<pid>.map (the format `perf report` reads for JIT code) as
 * "tb_<guest pc>", so profiles of the host show which guest code ran.
 * Code reused after a tb_flush keeps its old names: a profiling aid only.
 */
static FILE *perf_map;
static bool perf_map_checked;

static void perf_map_add(const TranslationBlock *tb)
{
    if (!perf_map_checked) {
        const char *e = getenv("TERN_PERFMAP");
        perf_map_checked = true;
        if (e && *e && *e != '0') {
            char name[64];
            snprintf(name, sizeof(name), "/tmp/perf-%d.map", (int)getpid());
            perf_map = fopen(name, "w");
        }
    }
    if (perf_map) {
        fprintf(perf_map, "%lx %x tb_%llx\n", (unsigned long)(uintptr_t)tb->tc_ptr, tb->tc_size,
                (unsigned long long)tb->pc);
        fflush(perf_map);
    }
}

/*
 * Translate the TB for (pc, cs_base, flags, cflags). Called with tb_lock
 * held. Returns NULL when the code buffer or arena is full: the caller
 * drops the lock, flushes, and tries again. A guest code fetch that faults
 * on the TB's first instruction leaves through cpu_loop_exit (lock
 * released) with the guest fault recorded by the target.
 */
TranslationBlock *tb_gen_code(CPUState *cs, uint64_t pc, uint64_t cs_base, uint32_t flags,
                              uint32_t cflags)
{
    static TCGGenResult res;
    int max_insns = cflags & CF_COUNT_MASK;
    if (max_insns == 0 || max_insns > TCG_MAX_INSNS) {
        max_insns = TCG_MAX_INSNS;
    }
    if (__atomic_load_n(&tb_count, __ATOMIC_RELAXED) >= tb_by_code_max) {
        return NULL;
    }
    TranslationBlock *tb = arena_alloc(sizeof(*tb));
    if (!tb) {
        return NULL;
    }

    sigjmp_buf fault_jmp;
    volatile int max_insns_v = max_insns;
    int size;
    for (;;) {
        memset(tb, 0, sizeof(*tb));
        tb->pc = pc;
        tb->cs_base = cs_base;
        tb->flags = flags;
        tb->cflags = cflags;
        tb->page_addr[0] = tb->page_addr[1] = TB_PAGE_NONE;

        if (sigsetjmp(fault_jmp, 0) != 0) {
            /* a code fetch failed in instruction translate_insns_done + 1 */
            translate_fault_jmp = NULL;
            if (translate_insns_done > 0) {
                max_insns_v = translate_insns_done;
                continue;
            }
            tb_unlock();
            cpu_loop_exit(cs);
        }
        translate_fault_jmp = &fault_jmp;
        tcg_func_start(tcg_ctx);
        cs->cc->translate(cs, tb, max_insns_v);
        translate_fault_jmp = NULL;

        size = tcg_gen_code(tcg_ctx, code_ptr, (size_t)(code_end - code_ptr), &res);
        if (size == -2 && max_insns_v > 1) {
            max_insns_v = max_insns_v / 2; /* too many ops: a shorter TB */
            continue;
        }
        break;
    }
    if (size < 0) {
        return NULL;
    }
    if (translate_code_copy_len) {
        /* linux-user, code from a shared page: the bytes its entry checks */
        uint8_t *copy = arena_alloc(translate_code_copy_len);
        if (!copy) {
            return NULL;
        }
        memcpy(copy, translate_code_copy, translate_code_copy_len);
        tb->guest_copy = copy;
    }
    tb->tc_ptr = code_ptr;
    tb->tc_size = (uint32_t)size;
    tb->nb_insns = (uint16_t)res.nb_insns;
    tb->insn_end_off = arena_alloc(sizeof(uint32_t) * res.nb_insns);
    tb->insn_data = arena_alloc(sizeof(uint64_t) * TCG_INSN_START_WORDS * res.nb_insns);
    if (!tb->insn_end_off || !tb->insn_data) {
        return NULL;
    }
    memcpy(tb->insn_end_off, res.insn_end_off, sizeof(uint32_t) * res.nb_insns);
    memcpy(tb->insn_data, res.insn_data, sizeof(uint64_t) * TCG_INSN_START_WORDS * res.nb_insns);
    for (int n = 0; n < 2; n++) {
        tb->jmp_insn_offset[n] = res.jmp_insn_offset[n];
        tb->jmp_reset_offset[n] = res.jmp_reset_offset[n];
    }
    code_ptr = (uint8_t *)(((uintptr_t)code_ptr + size + 15) & ~(uintptr_t)15);

    /* the guest pages the code came from: virtual in linux-user (which
     * write-protects them), ram_addr in system mode */
#ifdef CONFIG_USER_ONLY
    uint64_t last = pc + (tb->size ? tb->size - 1 : 0);
    tb->page_addr[0] = pc & ~(uint64_t)0xfff;
    if ((last & ~(uint64_t)0xfff) != tb->page_addr[0]) {
        tb->page_addr[1] = last & ~(uint64_t)0xfff;
    }
#else
    tb->page_addr[0] = translate_code_pages[0];
    tb->page_addr[1] = translate_code_pages[1];
#endif
    tb_link_pages(tb);

    tb_by_code[tb_count] = tb;
    __atomic_store_n(&tb_count, tb_count + 1, __ATOMIC_RELEASE);
    tb_htable_insert(tb);
    log_tb(cs, tb);
    perf_map_add(tb);
    return tb;
}
