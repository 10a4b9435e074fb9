/*
 * The execution loop: find or translate the TB for the CPU's state, chain
 * it to the TB that just exited, run it, and repeat until an exception or
 * an exit request needs the caller. Also the exclusive sections that stop
 * every other CPU (for tb_flush), and the unwinding entry points helpers
 * use to leave generated code.
 */
#include <pthread.h>
#include <string.h>

#include "internal.h"
#include "tcg/tcg-op.h"
#include "util/log.h"
#ifndef CONFIG_USER_ONLY
#include "exec/cputlb.h"
#endif

__thread CPUState *current_cpu;

static pthread_mutex_t cpu_list_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t exclusive_cond = PTHREAD_COND_INITIALIZER;
static pthread_cond_t exclusive_resume = PTHREAD_COND_INITIALIZER;
static CPUState *cpu_list;
static bool exclusive_active;
static __thread bool exclusive_owner;

void cpu_exec_register(CPUState *cs)
{
    pthread_mutex_lock(&cpu_list_lock);
    if (!cs->exec_registered) {
        cs->exec_registered = true;
        cs->next_cpu = cpu_list;
        cpu_list = cs;
        cs->tb_flush_count = tb_flush_count;
    }
    pthread_mutex_unlock(&cpu_list_lock);
}

void cpu_exec_unregister(CPUState *cs)
{
    pthread_mutex_lock(&cpu_list_lock);
    for (CPUState **pp = &cpu_list; *pp; pp = &(*pp)->next_cpu) {
        if (*pp == cs) {
            *pp = cs->next_cpu;
            break;
        }
    }
    cs->exec_registered = false;
    pthread_cond_broadcast(&exclusive_cond);
    pthread_mutex_unlock(&cpu_list_lock);
}

static void cpu_exec_start(CPUState *cs)
{
    pthread_mutex_lock(&cpu_list_lock);
    while (exclusive_active && !exclusive_owner) {
        pthread_cond_wait(&exclusive_resume, &cpu_list_lock);
    }
    cs->running = true;
    pthread_mutex_unlock(&cpu_list_lock);
}

static void cpu_exec_end(CPUState *cs)
{
    pthread_mutex_lock(&cpu_list_lock);
    cs->running = false;
    if (exclusive_active) {
        pthread_cond_broadcast(&exclusive_cond);
    }
    pthread_mutex_unlock(&cpu_list_lock);
}

static bool others_running(void)
{
    for (CPUState *cs = cpu_list; cs; cs = cs->next_cpu) {
        if (cs->running && cs != current_cpu) {
            return true;
        }
    }
    return false;
}

void start_exclusive(void)
{
    pthread_mutex_lock(&cpu_list_lock);
    while (exclusive_active) {
        pthread_cond_wait(&exclusive_resume, &cpu_list_lock);
    }
    exclusive_active = true;
    exclusive_owner = true;
    for (CPUState *cs = cpu_list; cs; cs = cs->next_cpu) {
        if (cs->running && cs != current_cpu) {
            cpu_exit(cs);
        }
    }
    while (others_running()) {
        pthread_cond_wait(&exclusive_cond, &cpu_list_lock);
    }
    pthread_mutex_unlock(&cpu_list_lock);
}

void end_exclusive(void)
{
    pthread_mutex_lock(&cpu_list_lock);
    exclusive_active = false;
    exclusive_owner = false;
    pthread_cond_broadcast(&exclusive_resume);
    pthread_mutex_unlock(&cpu_list_lock);
}

void tb_jmp_cache_clear(CPUState *cs)
{
    memset(cs->tb_jmp_cache, 0, sizeof(cs->tb_jmp_cache));
    cs->tb_flush_count = __atomic_load_n(&tb_flush_count, __ATOMIC_ACQUIRE);
}

void tb_flush(CPUState *cs)
{
    bool was_running = cs && cs->running;

    if (was_running) {
        cpu_exec_end(cs);
    }
    start_exclusive();
    tb_lock();
    tb_flush_locked_exclusive();
    tb_unlock();
    end_exclusive();
    if (was_running) {
        cpu_exec_start(cs);
    }
    if (cs) {
        tb_jmp_cache_clear(cs);
    }
}

_Noreturn void cpu_loop_exit(CPUState *cs)
{
    siglongjmp(cs->jmp_env, 1);
}

_Noreturn void cpu_loop_exit_restore(CPUState *cs, uintptr_t host_pc)
{
    if (host_pc) {
        cpu_restore_state(cs, host_pc);
    }
    cpu_loop_exit(cs);
}

static bool tcg_parallel;

void tcg_set_parallel(void)
{
    if (!__atomic_load_n(&tcg_parallel, __ATOMIC_ACQUIRE)) {
        __atomic_store_n(&tcg_parallel, true, __ATOMIC_RELEASE);
        tb_flush(current_cpu);
    }
}

/* The cflags every TB gets in the current configuration. */
static inline uint32_t curr_cflags(void)
{
    uint32_t cflags = __atomic_load_n(&tcg_parallel, __ATOMIC_RELAXED) ? CF_PARALLEL : 0;

    /* -d exec wants to see every TB go through the loop */
    if (log_enabled(LOG_EXEC)) {
        cflags |= CF_NO_CHAIN;
    }
    return cflags;
}

static inline void jmp_cache_set(CPUState *cs, uint32_t h, TranslationBlock *tb)
{
#ifdef CONFIG_USER_ONLY
    cs->tb_jmp_cache[h] = tb;
#else
    tlb_jmp_cache_set(cs, h, tb); /* so TLB flushes know what to clear */
#endif
}

static inline TranslationBlock *tb_lookup(CPUState *cs, uint64_t pc, uint64_t cs_base,
                                          uint32_t flags, uint32_t cflags)
{
    uint32_t h = tb_jmp_cache_hash(pc);
    TranslationBlock *tb = cs->tb_jmp_cache[h];

    if (tb && tb->pc == pc && tb->cs_base == cs_base && tb->flags == flags &&
        tb->cflags == cflags && !__atomic_load_n(&tb->invalid, __ATOMIC_ACQUIRE)) {
        return tb;
    }
    uint64_t phys = TB_PAGE_NONE;
#ifndef CONFIG_USER_ONLY
    void *host;
    ram_addr_t ra = get_page_addr_code(cs, pc, &host, true);
    if (ra == RAM_ADDR_INVALID) {
        return NULL; /* tb_find translates, and so raises the fault */
    }
    phys = ra & TARGET_PAGE_MASK;
#endif
    tb = tb_htable_lookup(pc, cs_base, flags, cflags, phys);
    if (tb) {
        jmp_cache_set(cs, h, tb);
    }
    return tb;
}

/* tb_find's lookup under the lock: the same key as tb_lookup */
static TranslationBlock *tb_lookup_locked(CPUState *cs, uint64_t pc, uint64_t cs_base,
                                          uint32_t flags, uint32_t cflags)
{
    uint64_t phys = TB_PAGE_NONE;
#ifndef CONFIG_USER_ONLY
    void *host;
    ram_addr_t ra = get_page_addr_code(cs, pc, &host, true);
    if (ra == RAM_ADDR_INVALID) {
        return NULL;
    }
    phys = ra & TARGET_PAGE_MASK;
#endif
    return tb_htable_lookup(pc, cs_base, flags, cflags, phys);
}

const void *helper_lookup_tb_ptr(void *env)
{
    CPUState *cs = current_cpu;
    uint64_t pc, cs_base;
    uint32_t flags;

    (void)env;
    cs->cc->get_tb_cpu_state(cs, &pc, &cs_base, &flags);
    TranslationBlock *tb = tb_lookup(cs, pc, cs_base, flags, curr_cflags());
    if (!tb || (tb->cflags & CF_NO_CHAIN)) {
        return tcg_ctx->code_gen_epilogue;
    }
    return tb->tc_ptr;
}

/*
 * The inline jump-cache probe of tb_gen_lookup_and_goto_ptr: the same test
 * as tb_lookup's hit path, in generated code:
 *     e = cs->tb_jmp_cache[tb_jmp_cache_hash(pc)], or tb_lookup_none if empty
 *     d = (e->pc ^ pc) | (e->cs_base ^ cs_base) |
 *         (e->flags:e->cflags ^ flags:cflags) | e->invalid
 *     if d == 0: goto_ptr e->tc_ptr
 *     else:      goto_ptr helper_lookup_tb_ptr(env)
 * One branch: the compares are or-ed together, and an empty slot reads as
 * a TB that never matches instead of needing its own test. cflags is the
 * translating TB's: it equals curr_cflags() while that TB may run (a change
 * of CF_PARALLEL flushes every TB). TBs with other cflags bits (CF_NO_CHAIN
 * for -d exec, instruction counts) always use the helper, which keeps
 * the rules of the execution loop. In system mode the jump cache is
 * emptied on every TLB flush, so a hit is as valid as the helper's.
 */
static const TranslationBlock tb_lookup_none = { .pc = 0, .invalid = true };

_Static_assert(offsetof(TranslationBlock, cflags) == offsetof(TranslationBlock, flags) + 4,
               "the probe compares flags and cflags as one 64-bit word");

void tb_gen_lookup_and_goto_ptr(const TranslationBlock *tb, TCGv_i64 pc, TCGv_i64 cs_base,
                                TCGv_i32 flags)
{
    CPUState *cs = current_cpu;
    TCGv_ptr env = tcg_ctx->env;
    TCGv_ptr p = tcg_temp_new_ptr();

    if (cs && !(tb->cflags & ~(uint32_t)CF_PARALLEL)) {
        intptr_t jc_ofs = (intptr_t)((char *)cs->tb_jmp_cache - (char *)cs->env_ptr);
        TCGLabel *slow = gen_new_label();
        TCGv_i64 h = tcg_temp_new_i64(), t = tcg_temp_new_i64(), d = tcg_temp_new_i64();
        TCGv_i64 k = tcg_temp_new_i64();
        TCGv_ptr e = tcg_temp_new_ptr();
        TCGv_i64 e64 = tcgv_ptr_as_i64(e);

        tcg_gen_shri_i64(h, pc, 2);
        tcg_gen_shri_i64(t, pc, 2 + TB_JMP_CACHE_BITS);
        tcg_gen_xor_i64(h, h, t);
        tcg_gen_andi_i64(h, h, TB_JMP_CACHE_SIZE - 1);
        tcg_gen_shli_i64(h, h, 3);
        tcg_gen_add_ptr(e, env, temp_tcgv_ptr(tcgv_i64_temp(h)));
        tcg_gen_ld_ptr(e, e, jc_ofs);
        tcg_gen_movcond_i64(TCG_COND_EQ, e64, e64, tcg_constant_i64(0),
                            tcg_constant_i64((int64_t)(uintptr_t)&tb_lookup_none), e64);
        tcg_gen_ld_i64(d, e, (intptr_t)offsetof(TranslationBlock, pc));
        tcg_gen_xor_i64(d, d, pc);
        tcg_gen_ld_i64(t, e, (intptr_t)offsetof(TranslationBlock, cs_base));
        tcg_gen_xor_i64(t, t, cs_base);
        tcg_gen_or_i64(d, d, t);
        tcg_gen_ld_i64(t, e, (intptr_t)offsetof(TranslationBlock, flags));
        tcg_gen_xori_i64(t, t, (int64_t)((uint64_t)tb->cflags << 32));
        tcg_gen_extu_i32_i64(k, flags);
        tcg_gen_xor_i64(t, t, k);
        tcg_gen_or_i64(d, d, t);
        tcg_gen_ld8u_i64(t, e, (intptr_t)offsetof(TranslationBlock, invalid));
        tcg_gen_or_i64(d, d, t);
        tcg_gen_ld_ptr(p, e, (intptr_t)offsetof(TranslationBlock, tc_ptr));
        tcg_gen_brcondi_i64(TCG_COND_NE, d, 0, slow);
        tcg_gen_goto_ptr(p);
        gen_set_label(slow);
    }
    tcg_gen_call(helper_lookup_tb_ptr, TCG_CALL_NO_WG, tcgvp(p), tcgvp(env));
    tcg_gen_goto_ptr(p);
}

static TranslationBlock *tb_find(CPUState *cs, uint32_t cflags)
{
    uint64_t pc, cs_base;
    uint32_t flags;

    cs->cc->get_tb_cpu_state(cs, &pc, &cs_base, &flags);
    TranslationBlock *tb = tb_lookup(cs, pc, cs_base, flags, cflags);
    while (!tb) {
        tb_lock();
        /* another thread may have translated it meanwhile */
        tb = tb_lookup_locked(cs, pc, cs_base, flags, cflags);
        if (!tb) {
            tb = tb_gen_code(cs, pc, cs_base, flags, cflags);
        }
        tb_unlock();
        if (tb) {
            jmp_cache_set(cs, tb_jmp_cache_hash(pc), tb);
        } else {
            tb_flush(cs); /* code cache full */
        }
    }
    return tb;
}

static int cpu_exec_loop(CPUState *cs)
{
    TranslationBlock *last_tb = NULL;
    int last_exit = 0;

    for (;;) {
        if (cs->exception_index >= 0) {
            int ret = cs->exception_index;
            cs->exception_index = -1;
            return ret;
        }
        if (__atomic_load_n(&cs->exit_request, __ATOMIC_ACQUIRE)) {
            __atomic_store_n(&cs->exit_request, 0, __ATOMIC_RELAXED);
            return EXCP_INTERRUPT;
        }
        if (cs->tb_flush_count != __atomic_load_n(&tb_flush_count, __ATOMIC_ACQUIRE)) {
            tb_jmp_cache_clear(cs);
            last_tb = NULL;
        }
        uint32_t cflags = curr_cflags();
        uint32_t gen = cs->tb_flush_count;
        TranslationBlock *tb = tb_find(cs, cflags);
        /* tb_find flushes when the code cache is full, and tb_flush(cs)
         * brings cs->tb_flush_count up to date: compare with the count
         * from before, or last_tb (freed by the flush) would be chained */
        if (last_tb && !(cflags & CF_NO_CHAIN) && cs->tb_flush_count == gen &&
            gen == tb_flush_count) {
            tb_add_jump(last_tb, last_exit, tb);
        }
        if (log_enabled(LOG_EXEC)) {
            log_printf("Trace %p [%016llx/%08x]\n", tb->tc_ptr, (unsigned long long)tb->pc,
                       tb->flags);
        }
        if (log_enabled(LOG_CPU) && cs->cc->dump_state) {
            log_lock();
            cs->cc->dump_state(cs, log_file);
            log_unlock();
        }
        uintptr_t ret = tcg_backend->exec(cs->env_ptr, tb->tc_ptr);
        last_tb = (TranslationBlock *)(ret & ~(uintptr_t)TB_EXIT_MASK);
        last_exit = (int)(ret & TB_EXIT_MASK);
        if (last_exit == TB_EXIT_REQUESTED) {
            /* last_tb stopped at its start (exit request, or its code
             * changed): a chained jump into it stored no pc, so the
             * guest is at its first insn, whatever the CPU state says */
            if (last_tb && last_tb->nb_insns) {
                cs->cc->restore_state_to_opc(cs, last_tb, last_tb->insn_data[0]);
            }
            last_tb = NULL;
        }
    }
}

int cpu_exec(CPUState *cs)
{
    if (!cs->exec_registered) {
        cpu_exec_register(cs);
    }
    current_cpu = cs;
    cpu_exec_start(cs);
    if (sigsetjmp(cs->jmp_env, 0) != 0) {
        /* a helper or fault left generated code; state is restored */
        current_cpu = cs;
        if (tb_lock_held()) {
            tb_unlock();
        }
    }
    int ret = cpu_exec_loop(cs);
    cpu_exec_end(cs);
    current_cpu = NULL;
    return ret;
}

void tcg_unaligned_access(void *env, uint64_t addr, uint32_t oi, uintptr_t retaddr)
{
    CPUState *cs = current_cpu;

    (void)env;
    (void)oi;
    if (cs->cc->do_unaligned_access) {
        cs->cc->do_unaligned_access(cs, addr, -1, retaddr);
    }
    /* a target without alignment faults: carry on */
}
