/*
 * The softmmu TLB's slow paths with a fake CPU whose page walk maps
 * virtual = physical below 4 GiB (and faults above): RAM, MMIO and ROM
 * accesses, page-crossing accesses, and the dirty-flag protocol of
 * DESIGN.md (clearing DIRTY_MEMORY_MIGRATION on a page re-arms the
 * not-dirty slow path, so the next guest write sets it again; DMA writes
 * set it too).
 */
#include <setjmp.h>
#include <string.h>

#include "exec/cpu-exec.h"
#include "exec/cputlb.h"
#include "exec/memory.h"
#include "exec/ram.h"
#include "tap.h"
#include "util/main-loop.h"

#define RAM_BASE 0x0
#define RAM_SIZE 0x100000
#define MMIO_BASE 0x200000
#define ROM_BASE 0x300000
#define FAULT_BASE 0x100000000ull

typedef struct FakeCPU {
    CPUState cs;
    uint64_t env[8];
} FakeCPU;

static FakeCPU cpu;
static uint64_t fault_addr;
static int fills;

static bool fake_tlb_fill(CPUState *cs, uint64_t addr, int size, int access_type, int mmu_idx,
                          bool probe, uintptr_t retaddr)
{
    fills++;
    if (addr >= FAULT_BASE) {
        if (probe) {
            return false;
        }
        fault_addr = addr;
        cs->exception_index = 14;
        cpu_loop_exit_restore(cs, retaddr);
    }
    tlb_set_page(cs, addr, addr, PAGE_READ | PAGE_WRITE | PAGE_EXEC, mmu_idx, TARGET_PAGE_SIZE,
                 false);
    return true;
}

static const CPUClass fake_class = {
    .name = "fake",
    .tlb_fill = fake_tlb_fill,
};

static uint64_t mmio_last_addr, mmio_last_data;
static unsigned mmio_last_size;

static uint64_t mmio_read(void *opaque, hwaddr addr, unsigned size)
{
    mmio_last_addr = addr;
    mmio_last_size = size;
    return 0x1122334455667788ull >> (8 * (8 - size));
}

static void mmio_write(void *opaque, hwaddr addr, uint64_t data, unsigned size)
{
    mmio_last_addr = addr;
    mmio_last_data = data;
    mmio_last_size = size;
}

static const MemoryRegionOps mmio_ops = {
    .read = mmio_read,
    .write = mmio_write,
    .valid = { .min_access_size = 1, .max_access_size = 8 },
    .impl = { .min_access_size = 1, .max_access_size = 8 },
};

static MemoryRegion ram, mmio, rom;

static uint8_t migration_flag(ram_addr_t ra)
{
    return cpu_physical_memory_get_dirty_flags(ra) & DIRTY_MEMORY_MIGRATION;
}

int main(void)
{
    bql_lock();
    memory_region_init_ram(&ram, NULL, "ram", RAM_SIZE, NULL);
    memory_region_init_io(&mmio, NULL, &mmio_ops, NULL, "mmio", 0x1000);
    memory_region_init_rom(&rom, NULL, "rom", 0x1000, NULL);
    memory_region_add_subregion(get_system_memory(), RAM_BASE, &ram);
    memory_region_add_subregion(get_system_memory(), MMIO_BASE, &mmio);
    memory_region_add_subregion(get_system_memory(), ROM_BASE, &rom);
    bql_unlock();

    cpu.cs.cc = &fake_class;
    cpu.cs.env_ptr = cpu.env;
    cpu.cs.exception_index = -1;
    tlb_init(&cpu.cs, &address_space_memory);
    current_cpu = &cpu.cs;
    uint8_t *host = memory_region_get_ram_ptr(&ram);
    ram_addr_t ram0 = memory_region_get_ram_addr(&ram);
    CPUState *cs = &cpu.cs;

    /* RAM */
    cpu_st_mmu(cs, 0x1230, 0xdeadbeefcafef00dull, MO_64, 0, 0);
    uint64_t v;
    memcpy(&v, host + 0x1230, 8);
    tap_ok(v == 0xdeadbeefcafef00dull, "a store reaches RAM");
    tap_ok(cpu_ld_mmu(cs, 0x1230, MO_64, 0, 0) == 0xdeadbeefcafef00dull, "a load reads it back");
    tap_ok(cpu_ld_mmu(cs, 0x1237, MO_SB, 0, 0) == 0xffffffffffffffdeull, "MO_SB sign-extends");
    tap_ok(cpu_ld_mmu(cs, 0x1230, MO_UW | MO_BSWAP, 0, 0) == 0x0df0, "MO_BSWAP swaps");
    int before = fills;
    cpu_ld_mmu(cs, 0x1238, MO_8, 0, 0);
    tap_ok(fills == before, "a second access to the page hits the TLB");

    /* across a page boundary */
    for (int i = 0; i < 8; i++) {
        host[0x1ffc + i] = (uint8_t)(0x10 + i);
    }
    tap_ok(cpu_ld_mmu(cs, 0x1ffe, MO_32, 0, 0) == 0x15141312,
           "a load across a page boundary assembles both pages");
    uint64_t expect;
    memcpy(&expect, host + 0x1ffd, 8);
    tap_ok(cpu_ld_mmu(cs, 0x1ffd, MO_64, 0, 0) == expect,
           "an 8-byte load across a page boundary takes bytes from both pages");
    cpu_st_mmu(cs, 0x2ffe, 0xaabbccdd, MO_32, 0, 0);
    tap_ok(host[0x2ffe] == 0xdd && host[0x2fff] == 0xcc && host[0x3000] == 0xbb &&
               host[0x3001] == 0xaa,
           "a store across a page boundary writes both pages");

    /* a store whose second page faults writes nothing */
    if (sigsetjmp(cs->jmp_env, 0) == 0) {
        cpu_st_mmu(cs, FAULT_BASE - 2, 0x1234, MO_32, 0, 0);
        tap_ok(false, "a store into a faulting page raises");
    } else {
        tap_ok(fault_addr == FAULT_BASE && cs->exception_index == 14,
               "a store into a faulting second page raises for that page");
    }
    cs->exception_index = -1;

    /* MMIO */
    tap_ok(cpu_ld_mmu(cs, MMIO_BASE + 0x10, MO_16, 0, 0) == 0x1122 && mmio_last_addr == 0x10 &&
               mmio_last_size == 2,
           "an MMIO load reaches the device with its offset and size");
    cpu_st_mmu(cs, MMIO_BASE + 0x20, 0x55aa, MO_32, 0, 0);
    tap_ok(mmio_last_addr == 0x20 && mmio_last_data == 0x55aa && mmio_last_size == 4,
           "an MMIO store reaches the device");

    /* ROM: reads from memory, writes dropped */
    uint8_t *rom_host = memory_region_get_ram_ptr(&rom);
    rom_host[4] = 0x77;
    cpu_st_mmu(cs, ROM_BASE + 4, 0x99, MO_8, 0, 0);
    tap_ok(cpu_ld_mmu(cs, ROM_BASE + 4, MO_8, 0, 0) == 0x77, "a store to ROM is dropped");

    /* dirty tracking */
    ram_addr_t page = ram0 + 0x5000;
    cpu_st_mmu(cs, 0x5008, 1, MO_8, 0, 0);
    tap_ok(cpu_physical_memory_get_dirty_flags(page) == DIRTY_MEMORY_ALL,
           "a guest write sets every dirty flag of its page");
    cpu_physical_memory_clear_dirty_range(page, RAM_PAGE_SIZE, DIRTY_MEMORY_MIGRATION);
    tap_ok(migration_flag(page) == 0, "the migration flag can be cleared");
    CPUTLBEntry *e = &cs->tlb_fast[0].table[(0x5000 >> TARGET_PAGE_BITS) & (CPU_TLB_SIZE - 1)];
    tap_ok((e->addr_write & TLB_NOTDIRTY) != 0,
           "clearing it re-arms the not-dirty slow path in the TLB");
    cpu_st_mmu(cs, 0x5010, 2, MO_8, 0, 0);
    tap_ok(migration_flag(page) != 0, "the next guest write sets the migration flag again");
    tap_ok((e->addr_write & TLB_NOTDIRTY) == 0, "and makes the page fast again");

    cpu_physical_memory_clear_dirty_range(page, RAM_PAGE_SIZE, DIRTY_MEMORY_MIGRATION);
    uint8_t byte = 3;
    address_space_write(&address_space_memory, 0x5020, MEMTXATTRS_UNSPECIFIED, &byte, 1);
    tap_ok(migration_flag(page) != 0, "a DMA write sets the migration flag");

    cpu_physical_memory_clear_dirty_range(page, RAM_PAGE_SIZE, DIRTY_MEMORY_CODE);
    cpu_st_mmu(cs, 0x5030, 4, MO_8, 0, 0);
    tap_ok((cpu_physical_memory_get_dirty_flags(page) & DIRTY_MEMORY_CODE) != 0,
           "a write to a page holding code marks it code-dirty (its TBs dropped)");

    /* flushing */
    cpu_ld_mmu(cs, 0x7000, MO_8, 0, 0);
    before = fills;
    tlb_flush_page(cs, 0x7000);
    cpu_ld_mmu(cs, 0x7000, MO_8, 0, 0);
    tap_ok(fills == before + 1, "tlb_flush_page forces a new fill");
    before = fills;
    cpu_ld_mmu(cs, 0x8000, MO_8, 0, 0);
    tlb_flush(cs);
    cpu_ld_mmu(cs, 0x8000, MO_8, 0, 0);
    tap_ok(fills == before + 2, "tlb_flush forces a new fill");
    return tap_done();
}
