/*
 * The memory API (softmmu/memory.c, flatview.c, memory-dispatch.c): region
 * priorities, aliases, containers, enable/disable, MMIO access splitting
 * and widening, unassigned accesses, the I/O address space, ROM and ROM
 * devices, listeners and transactions, translate and DMA map.
 *
 * Each group builds its own root container and AddressSpace, so the groups
 * do not see each other's regions.
 */
#include <inttypes.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "exec/memory.h"
#include "tap.h"
#include "util/log.h"
#include "util/main-loop.h"

/* ---- a recording MMIO device ---- */

#define MAX_LOG 64

typedef struct Access {
    bool is_write;
    hwaddr addr;
    unsigned size;
    uint64_t data;
} Access;

typedef struct TestDev {
    uint8_t regs[0x1000];
    Access log[MAX_LOG];
    int n;
    bool lock_held_always;
} TestDev;

static void dev_record(TestDev *d, bool w, hwaddr addr, unsigned size, uint64_t data)
{
    if (!bql_locked()) {
        d->lock_held_always = false;
    }
    if (d->n < MAX_LOG) {
        d->log[d->n++] = (Access){ w, addr, size, data };
    }
}

static uint64_t dev_read(void *opaque, hwaddr addr, unsigned size)
{
    TestDev *d = opaque;
    uint64_t v = 0;
    for (unsigned i = 0; i < size && addr + i < sizeof(d->regs); i++) {
        v |= (uint64_t)d->regs[addr + i] << (8 * i);
    }
    dev_record(d, false, addr, size, v);
    return v;
}

static void dev_write(void *opaque, hwaddr addr, uint64_t data, unsigned size)
{
    TestDev *d = opaque;
    for (unsigned i = 0; i < size && addr + i < sizeof(d->regs); i++) {
        d->regs[addr + i] = data >> (8 * i);
    }
    dev_record(d, true, addr, size, data);
}

static void dev_reset(TestDev *d)
{
    memset(d, 0, sizeof(*d));
    for (unsigned i = 0; i < sizeof(d->regs); i++) {
        d->regs[i] = (uint8_t)(i * 7 + 1);
    }
    d->lock_held_always = true;
}

static const MemoryRegionOps ops_default = {
    .read = dev_read,
    .write = dev_write,
};
static const MemoryRegionOps ops_bytes = {
    .read = dev_read,
    .write = dev_write,
    .valid = { .max_access_size = 8 },
    .impl = { .min_access_size = 1, .max_access_size = 1 },
};
static const MemoryRegionOps ops_dwords = {
    .read = dev_read,
    .write = dev_write,
    .valid = { .max_access_size = 8 },
    .impl = { .min_access_size = 4, .max_access_size = 4 },
};
static const MemoryRegionOps ops_words_only = {
    .read = dev_read,
    .write = dev_write,
    .valid = { .min_access_size = 2, .max_access_size = 2 },
};
static const MemoryRegionOps ops_dword_min = {
    .read = dev_read,
    .write = dev_write,
    .valid = { .min_access_size = 4, .max_access_size = 4 },
};

#define ATTRS MEMTXATTRS_UNSPECIFIED

static uint32_t rd32(AddressSpace *as, hwaddr a)
{
    return address_space_ldl(as, a, ATTRS, NULL);
}

static uint8_t rd8(AddressSpace *as, hwaddr a)
{
    return address_space_ldub(as, a, ATTRS, NULL);
}

/* Fill a RAM region with a recognisable pattern: byte i = tag ^ i. */
static void fill(MemoryRegion *mr, uint8_t tag)
{
    uint8_t *p = memory_region_get_ram_ptr(mr);
    for (uint64_t i = 0; i < memory_region_size(mr); i++) {
        p[i] = tag ^ (uint8_t)i;
    }
}

static void test_priorities(void)
{
    MemoryRegion root, ram, low, high, eq1, eq2;
    AddressSpace as;
    TestDev d;

    dev_reset(&d);
    memory_region_init(&root, NULL, "root", UINT64_MAX);
    address_space_init(&as, &root, "prio");
    memory_region_init_ram(&ram, NULL, "prio.ram", 0x10000, &error_abort);
    memory_region_init_ram(&low, NULL, "prio.low", 0x1000, &error_abort);
    memory_region_init_io(&high, NULL, &ops_default, &d, "prio.high", 0x1000);
    fill(&ram, 0x00);
    fill(&low, 0x55);

    memory_region_add_subregion(&root, 0, &ram);
    memory_region_add_subregion_overlap(&root, 0x2000, &low, -1);
    memory_region_add_subregion_overlap(&root, 0x1000, &high, 1);

    tap_ok(rd8(&as, 0x10) == 0x10, "RAM at 0 reads its own bytes");
    tap_ok(rd8(&as, 0x2010) == (uint8_t)(0x2010 & 0xff), "lower priority RAM is hidden");
    tap_ok(rd8(&as, 0x1004) == d.regs[4] && d.n == 1, "higher priority MMIO wins over RAM");
    tap_ok(d.lock_held_always, "MMIO callback ran with the big lock held");

    /* equal priority: the later one added wins; removing it uncovers the other */
    memory_region_init_ram(&eq1, NULL, "prio.eq1", 0x1000, &error_abort);
    memory_region_init_ram(&eq2, NULL, "prio.eq2", 0x1000, &error_abort);
    fill(&eq1, 0xa0);
    fill(&eq2, 0xb0);
    memory_region_add_subregion_overlap(&root, 0x20000, &eq1, 0);
    memory_region_add_subregion_overlap(&root, 0x20800, &eq2, 0);
    tap_ok(rd8(&as, 0x20900) == (0xb0 ^ 0x00) && rd8(&as, 0x20100) == (0xa0 ^ 0x00),
           "equal priority: the later added covers the overlap, the earlier the rest");
    memory_region_del_subregion(&root, &eq2);
    tap_ok(rd8(&as, 0x20900) == (uint8_t)(0xa0 ^ 0x00), "deleting the winner uncovers the other");
    memory_region_add_subregion_overlap(&root, 0x20800, &eq2, 0);
    memory_region_del_subregion(&root, &eq1);
    memory_region_add_subregion_overlap(&root, 0x20000, &eq1, 0);
    tap_ok(rd8(&as, 0x20900) == (uint8_t)(0xa0 ^ 0x00),
           "re-adding makes a region the latest, so it wins again");

    /* disabling the winner lets RAM show through; set_address moves it */
    memory_region_set_enabled(&high, false);
    tap_ok(rd8(&as, 0x1004) == 0x04, "disabled MMIO: RAM shows through");
    memory_region_set_enabled(&high, true);
    tap_ok(rd8(&as, 0x1004) == d.regs[4], "re-enabled MMIO wins again");
    memory_region_set_address(&high, 0x3000);
    tap_ok(rd8(&as, 0x1004) == 0x04 && rd8(&as, 0x3004) == d.regs[4],
           "set_address moves the region");

    FlatView *v = address_space_get_flatview(&as);
    /* RAM [0,3000) MMIO [3000,4000) RAM [4000,10000) eq2 eq1 ... */
    MemoryRegionSection s0 = flatview_range_section(v, 0);
    MemoryRegionSection s1 = flatview_range_section(v, 1);
    tap_ok(s0.mr == &ram && s0.size == 0x3000 && s1.mr == &high &&
               s1.offset_within_address_space == 0x3000,
           "flat view: neighbouring pieces of one region are merged, sorted by address");
    flatview_unref(v);

    memory_region_del_subregion(&root, &eq1);
    memory_region_del_subregion(&root, &eq2);
    memory_region_del_subregion(&root, &high);
    memory_region_del_subregion(&root, &low);
    memory_region_del_subregion(&root, &ram);
    address_space_destroy(&as);
    memory_region_finalize(&eq1);
    memory_region_finalize(&eq2);
    memory_region_finalize(&high);
    memory_region_finalize(&low);
    memory_region_finalize(&ram);
    memory_region_finalize(&root);
}

static void test_aliases_containers(void)
{
    MemoryRegion root, ram, alias, alias2, cont, inner, below, calias;
    AddressSpace as;

    memory_region_init(&root, NULL, "root", UINT64_MAX);
    address_space_init(&as, &root, "alias");
    memory_region_init_ram(&ram, NULL, "alias.ram", 0x10000, &error_abort);
    fill(&ram, 0x33);

    /* RAM itself is not mapped: only through aliases */
    memory_region_init_alias(&alias, NULL, "alias.a", &ram, 0x100, 0x1000);
    memory_region_add_subregion(&root, 0x40000, &alias);
    tap_ok(rd8(&as, 0x40000) == (uint8_t)(0x33 ^ 0x00) && rd8(&as, 0x40001) == (0x33 ^ 0x01),
           "alias shows its target at the alias offset");
    tap_ok(rd8(&as, 0x40000 + 0x1000) == 0xff, "alias is clipped to its size");

    /* alias of an alias: offsets add up */
    memory_region_init_alias(&alias2, NULL, "alias.b", &alias, 0x10, 0x100);
    memory_region_add_subregion(&root, 0x50000, &alias2);
    uint8_t *p = memory_region_get_ram_ptr(&ram);
    p[0x110] = 0xde;
    tap_ok(rd8(&as, 0x50000) == 0xde, "alias of an alias resolves to the RAM at 0x110");
    tap_ok(memory_region_get_ram_ptr(&alias2) == p + 0x110 &&
               memory_region_get_ram_addr(&alias2) == memory_region_get_ram_addr(&ram) + 0x110,
           "get_ram_ptr/get_ram_addr follow aliases");

    /* writes through an alias land in the RAM */
    address_space_stl(&as, 0x50004, 0x11223344, ATTRS, NULL);
    tap_ok(p[0x114] == 0x44 && p[0x117] == 0x11, "writes through an alias reach the RAM");

    memory_region_set_alias_offset(&alias2, 0x20);
    tap_ok(rd8(&as, 0x50000) == (uint8_t)(0x33 ^ 0x20), "set_alias_offset moves the window");

    /* containers: holes are transparent to lower-priority siblings */
    memory_region_init_ram(&below, NULL, "alias.below", 0x10000, &error_abort);
    fill(&below, 0x77);
    memory_region_add_subregion_overlap(&root, 0x100000, &below, 0);
    memory_region_init(&cont, NULL, "alias.cont", 0x10000);
    memory_region_init_ram(&inner, NULL, "alias.inner", 0x1000, &error_abort);
    fill(&inner, 0x99);
    memory_region_add_subregion(&cont, 0x8000, &inner);
    memory_region_add_subregion_overlap(&root, 0x100000, &cont, 1);
    tap_ok(rd8(&as, 0x108000) == 0x99 && rd8(&as, 0x107fff) == (uint8_t)(0x77 ^ 0xff),
           "container: its subregion wins, its holes show the region below");

    /* an alias of a container shows the container's subregions */
    memory_region_init_alias(&calias, NULL, "alias.cont-alias", &cont, 0x8000, 0x2000);
    memory_region_add_subregion(&root, 0x200000, &calias);
    tap_ok(rd8(&as, 0x200001) == (uint8_t)(0x99 ^ 0x01) && rd8(&as, 0x201000) == 0xff,
           "alias of a container: subregion visible, hole unassigned");

    /* disabling a container hides everything under it */
    memory_region_set_enabled(&cont, false);
    tap_ok(rd8(&as, 0x108000) == (uint8_t)(0x77 ^ 0x00) && rd8(&as, 0x200001) == 0xff,
           "a disabled container hides its subregions (also through an alias)");
    memory_region_set_enabled(&cont, true);

    /* read-only RAM */
    memory_region_set_readonly(&below, true);
    address_space_stb(&as, 0x100010, 0x5a, ATTRS, NULL);
    tap_ok(rd8(&as, 0x100010) == (uint8_t)(0x77 ^ 0x10), "writes to read-only RAM are ignored");
    memory_region_set_readonly(&below, false);
    address_space_stb(&as, 0x100010, 0x5a, ATTRS, NULL);
    tap_ok(rd8(&as, 0x100010) == 0x5a, "writable again after set_readonly(false)");

    memory_region_del_subregion(&root, &calias);
    memory_region_finalize(&calias);
    memory_region_del_subregion(&root, &cont);
    memory_region_del_subregion(&cont, &inner);
    memory_region_del_subregion(&root, &below);
    memory_region_del_subregion(&root, &alias2);
    memory_region_del_subregion(&root, &alias);
    address_space_destroy(&as);
    memory_region_finalize(&alias2);
    memory_region_finalize(&alias);
    memory_region_finalize(&inner);
    memory_region_finalize(&cont);
    memory_region_finalize(&below);
    memory_region_finalize(&ram);
    memory_region_finalize(&root);
}

static bool log_is(const TestDev *d, int i, bool w, hwaddr addr, unsigned size, uint64_t data)
{
    if (i >= d->n) {
        return false;
    }
    const Access *a = &d->log[i];
    return a->is_write == w && a->addr == addr && a->size == size && a->data == data;
}

static void test_access_sizes(void)
{
    MemoryRegion root, bytes, dwords, words, dmin;
    AddressSpace as;
    TestDev d;
    MemTxResult res;

    memory_region_init(&root, NULL, "root", UINT64_MAX);
    address_space_init(&as, &root, "sizes");
    memory_region_init_io(&bytes, NULL, &ops_bytes, &d, "sizes.bytes", 0x100);
    memory_region_init_io(&dwords, NULL, &ops_dwords, &d, "sizes.dwords", 0x100);
    memory_region_init_io(&words, NULL, &ops_words_only, &d, "sizes.words", 0x100);
    memory_region_init_io(&dmin, NULL, &ops_dword_min, &d, "sizes.dmin", 0x100);
    memory_region_add_subregion(&root, 0x1000, &bytes);
    memory_region_add_subregion(&root, 0x2000, &dwords);
    memory_region_add_subregion(&root, 0x3000, &words);
    memory_region_add_subregion(&root, 0x4000, &dmin);

    dev_reset(&d);
    uint32_t v = rd32(&as, 0x1010);
    tap_ok(d.n == 4 && log_is(&d, 0, false, 0x10, 1, d.regs[0x10]) &&
               log_is(&d, 3, false, 0x13, 1, d.regs[0x13]),
           "impl.max 1: a 4-byte read is split into 4 byte reads");
    tap_ok(v == (uint32_t)(d.regs[0x10] | d.regs[0x11] << 8 | d.regs[0x12] << 16 |
                           (uint32_t)d.regs[0x13] << 24),
           "split pieces are assembled little-endian");
    dev_reset(&d);
    address_space_stw(&as, 0x1020, 0xbeef, ATTRS, NULL);
    tap_ok(d.n == 2 && log_is(&d, 0, true, 0x20, 1, 0xef) && log_is(&d, 1, true, 0x21, 1, 0xbe),
           "impl.max 1: a 2-byte write is split low byte first");

    dev_reset(&d);
    uint8_t b = rd8(&as, 0x2006);
    tap_ok(d.n == 1 && d.log[0].addr == 0x4 && d.log[0].size == 4 && b == d.regs[6],
           "impl.min 4: a byte read is widened to the aligned dword and extracted");
    dev_reset(&d);
    address_space_stb(&as, 0x2005, 0xab, ATTRS, NULL);
    tap_ok(d.n == 1 && log_is(&d, 0, true, 0x4, 4, 0xab00),
           "impl.min 4: a byte write becomes a dword write with the byte shifted in place");
    dev_reset(&d);
    uint64_t q = address_space_ldq(&as, 0x2008, ATTRS, &res);
    tap_ok(res == MEMTX_OK && d.n == 2 && d.log[0].addr == 0x8 && d.log[1].addr == 0xc &&
               q == (d.log[0].data | d.log[1].data << 32),
           "impl.max 4, valid.max 8: a qword read is two dword reads, low first");

    dev_reset(&d);
    v = address_space_ldl(&as, 0x3004, ATTRS, &res);
    tap_ok(res == MEMTX_OK && d.n == 2 && log_is(&d, 0, false, 0x4, 2, d.log[0].data) &&
               d.log[1].addr == 0x6 && v == (uint32_t)(d.log[0].data | d.log[1].data << 16),
           "valid.max 2: a dword access is split into words, as a bus would");
    dev_reset(&d);
    b = address_space_ldub(&as, 0x3004, ATTRS, &res);
    tap_ok(b == 0xff && res == MEMTX_DECODE_ERROR && d.n == 0,
           "valid.min 2: a byte read is rejected: all-ones, decode error, no callback");
    dev_reset(&d);
    address_space_stb(&as, 0x3004, 0x12, ATTRS, &res);
    tap_ok(res == MEMTX_DECODE_ERROR && d.n == 0, "valid.min 2: a byte write is dropped");
    dev_reset(&d);
    uint16_t w = address_space_lduw(&as, 0x3001, ATTRS, &res);
    tap_ok(w == 0xffff && res == MEMTX_DECODE_ERROR && d.n == 0,
           "a misaligned access to a device without valid.unaligned is rejected");
    dev_reset(&d);
    uint8_t buf[4];
    res = address_space_read(&as, 0x3002, ATTRS, buf, 4);
    tap_ok(res == MEMTX_OK && d.n == 2 && d.log[0].addr == 2 && d.log[1].addr == 4 &&
               buf[0] == d.regs[2] && buf[3] == d.regs[5],
           "a buffer read is cut into aligned accesses the device accepts");
    dev_reset(&d);
    res = address_space_read(&as, 0x4000, ATTRS, buf, 2);
    tap_ok(res == MEMTX_DECODE_ERROR && buf[0] == 0xff && buf[1] == 0xff && d.n == 0,
           "valid.min 4: a 2-byte buffer read is rejected with all-ones");

    /* impl.min 4 with a device that accepts unaligned accesses: a 2-byte
     * access straddling two dwords becomes one widened access per byte */
    static const MemoryRegionOps ops_dwords_unaligned = {
        .read = dev_read,
        .write = dev_write,
        .valid = { .max_access_size = 8, .unaligned = true },
        .impl = { .min_access_size = 4, .max_access_size = 4 },
    };
    MemoryRegion un;
    memory_region_init_io(&un, NULL, &ops_dwords_unaligned, &d, "sizes.unaligned", 0x100);
    memory_region_add_subregion(&root, 0x5000, &un);
    dev_reset(&d);
    w = address_space_lduw(&as, 0x5003, ATTRS, &res);
    tap_ok(res == MEMTX_OK && d.n == 2 && d.log[0].addr == 0 && d.log[0].size == 4 &&
               d.log[1].addr == 4 && d.log[1].size == 4 && w == (d.regs[3] | d.regs[4] << 8),
           "a widened access straddling two units reads both units, aligned");
    memory_region_del_subregion(&root, &un);
    memory_region_finalize(&un);

    /* unassigned addresses: all-ones, decode error, logged, never a crash */
    char path[] = "/tmp/tern-test-memory-XXXXXX";
    int fd = mkstemp(path);
    close(fd);
    log_set_file(path);
    int saved_mask = log_mask;
    log_mask |= LOG_GUEST_ERROR;
    v = address_space_ldl(&as, 0x9000, ATTRS, &res);
    tap_ok(v == 0xffffffff && res == MEMTX_DECODE_ERROR, "unassigned read: all-ones, decode error");
    address_space_stl(&as, 0x9000, 0x1234, ATTRS, &res);
    tap_ok(res == MEMTX_DECODE_ERROR, "unassigned write: ignored, decode error");
    uint8_t big[8];
    res = address_space_read(&as, UINT64_MAX - 3, ATTRS, big, 8);
    tap_ok(res == MEMTX_DECODE_ERROR && big[0] == 0xff && big[7] == 0xff,
           "a read wrapping past 2^64 is unassigned, not a crash");
    log_mask = saved_mask;
    fflush(log_file);
    FILE *f = fopen(path, "r");
    char line[256] = "";
    bool found = false;
    while (f && fgets(line, sizeof(line), f)) {
        found |= strstr(line, "unassigned") != NULL && strstr(line, "0x9000") != NULL;
    }
    if (f) {
        fclose(f);
    }
    unlink(path);
    tap_ok(found, "unassigned access logged under LOG_GUEST_ERROR");

    memory_region_del_subregion(&root, &bytes);
    memory_region_del_subregion(&root, &dwords);
    memory_region_del_subregion(&root, &words);
    memory_region_del_subregion(&root, &dmin);
    address_space_destroy(&as);
    memory_region_finalize(&bytes);
    memory_region_finalize(&dwords);
    memory_region_finalize(&words);
    memory_region_finalize(&dmin);
    memory_region_finalize(&root);
}

static void test_io_space(void)
{
    MemoryRegion port;
    TestDev d;
    MemTxResult res;

    dev_reset(&d);
    memory_region_init_io(&port, NULL, &ops_default, &d, "io.test", 8);
    memory_region_add_subregion(get_system_io(), 0x3f8, &port);
    address_space_stb(&address_space_io, 0x3f9, 0x42, ATTRS, &res);
    tap_ok(res == MEMTX_OK && d.n == 1 && log_is(&d, 0, true, 1, 1, 0x42),
           "I/O space: outb to port 0x3f9 reaches offset 1 of the region");
    uint8_t b = address_space_ldub(&address_space_io, 0x3f9, ATTRS, NULL);
    tap_ok(b == 0x42, "I/O space: inb reads it back");
    uint32_t v = address_space_ldl(&address_space_io, 0x10000, ATTRS, &res);
    tap_ok(v == 0xffffffff && res == MEMTX_DECODE_ERROR,
           "I/O space ends at 64 KiB: port 0x10000 is unassigned");
    v = address_space_ldl(&address_space_io, 0x80, ATTRS, &res);
    tap_ok(v == 0xffffffff && res == MEMTX_DECODE_ERROR, "an unused port reads all-ones");
    memory_region_del_subregion(get_system_io(), &port);
    memory_region_finalize(&port);
}

static void test_rom(void)
{
    MemoryRegion root, rom, romd;
    AddressSpace as;
    TestDev d;
    MemTxResult res;

    dev_reset(&d);
    memory_region_init(&root, NULL, "root", UINT64_MAX);
    address_space_init(&as, &root, "rom");
    memory_region_init_rom(&rom, NULL, "rom.bios", 0x1000, &error_abort);
    memory_region_add_subregion(&root, 0xf0000, &rom);
    uint8_t img[4] = { 0xea, 0x5b, 0xe0, 0x00 };
    res = address_space_write_rom(&as, 0xf0000, ATTRS, img, sizeof(img));
    tap_ok(res == MEMTX_OK && rd32(&as, 0xf0000) == 0x00e05bea, "write_rom loads a ROM");
    address_space_stl(&as, 0xf0000, 0, ATTRS, &res);
    tap_ok(rd32(&as, 0xf0000) == 0x00e05bea, "guest writes to ROM are ignored");
    tap_ok(memory_region_is_rom(&rom) && memory_region_is_ram(&rom), "a ROM is RAM-backed and ROM");

    uint64_t rv = 0;
    memory_region_dispatch_write(&rom, 0, 0x1111, 2, ATTRS);
    memory_region_dispatch_read(&rom, 0, &rv, 4, ATTRS);
    tap_ok(rv == 0x00e05bea, "dispatch on a ROM region reads its bytes and drops writes");

    memory_region_init_rom_device(&romd, NULL, &ops_default, &d, "rom.flash", 0x1000, &error_abort);
    memory_region_add_subregion(&root, 0xe0000, &romd);
    uint8_t *p = memory_region_get_ram_ptr(&romd);
    p[0x10] = 0x5c;
    tap_ok(rd8(&as, 0xe0010) == 0x5c && d.n == 0, "ROM device in romd mode reads its RAM");
    address_space_stb(&as, 0xe0010, 0x90, ATTRS, &res);
    tap_ok(d.n == 1 && log_is(&d, 0, true, 0x10, 1, 0x90) && p[0x10] == 0x5c,
           "ROM device: writes go to its ops, not its RAM");
    memory_region_rom_device_set_romd(&romd, false);
    tap_ok(rd8(&as, 0xe0010) == 0x90 && d.n == 2, "romd off: reads go to the ops too");
    tap_ok(!memory_region_is_romd(&romd), "memory_region_is_romd follows the mode");
    memory_region_rom_device_set_romd(&romd, true);
    tap_ok(rd8(&as, 0xe0010) == 0x5c && d.n == 2, "romd on again: reads come from RAM");

    memory_region_del_subregion(&root, &romd);
    memory_region_del_subregion(&root, &rom);
    address_space_destroy(&as);
    memory_region_finalize(&romd);
    memory_region_finalize(&rom);
    memory_region_finalize(&root);
}

typedef struct CountListener {
    MemoryListener l;
    int begins, commits, adds, dels;
    MemoryRegion *last_add, *last_del;
    hwaddr last_add_addr;
} CountListener;

static void cl_begin(MemoryListener *l)
{
    ((CountListener *)l)->begins++;
}
static void cl_commit(MemoryListener *l)
{
    ((CountListener *)l)->commits++;
}
static void cl_add(MemoryListener *l, MemoryRegionSection *s)
{
    CountListener *c = (CountListener *)l;
    c->adds++;
    c->last_add = s->mr;
    c->last_add_addr = s->offset_within_address_space;
}
static void cl_del(MemoryListener *l, MemoryRegionSection *s)
{
    CountListener *c = (CountListener *)l;
    c->dels++;
    c->last_del = s->mr;
}

/* order in which prioritised listeners are called */
static char order_log[32];
static void ord_add(MemoryListener *l, MemoryRegionSection *s)
{
    (void)s;
    strncat(order_log, l->name, sizeof(order_log) - strlen(order_log) - 1);
}
static void ord_del(MemoryListener *l, MemoryRegionSection *s)
{
    (void)s;
    strncat(order_log, l->name, sizeof(order_log) - strlen(order_log) - 1);
}

static void test_listener_order(void)
{
    MemoryRegion root, r;
    AddressSpace as;
    MemoryListener hi = {
        .region_add = ord_add, .region_del = ord_del, .priority = 10, .name = "H"
    };
    MemoryListener lo = {
        .region_add = ord_add, .region_del = ord_del, .priority = -5, .name = "L"
    };
    MemoryListener mid = {
        .region_add = ord_add, .region_del = ord_del, .priority = 0, .name = "M"
    };

    memory_region_init(&root, NULL, "root", UINT64_MAX);
    address_space_init(&as, &root, "order");
    memory_listener_register(&hi, &as);
    memory_listener_register(&lo, &as);
    memory_listener_register(&mid, &as);
    memory_region_init_ram(&r, NULL, "order.ram", 0x1000, &error_abort);
    order_log[0] = 0;
    memory_region_add_subregion(&root, 0, &r);
    tap_ok(!strcmp(order_log, "LMH"), "region_add: lower priority first (got %s)", order_log);
    order_log[0] = 0;
    memory_region_del_subregion(&root, &r);
    tap_ok(!strcmp(order_log, "HML"), "region_del: higher priority first (got %s)", order_log);
    memory_listener_unregister(&hi);
    memory_listener_unregister(&lo);
    memory_listener_unregister(&mid);
    address_space_destroy(&as);
    memory_region_finalize(&r);
    memory_region_finalize(&root);
}

static void test_listeners(void)
{
    MemoryRegion root, a, b, c;
    AddressSpace as;
    CountListener cl = { .l = { .begin = cl_begin,
                                .commit = cl_commit,
                                .region_add = cl_add,
                                .region_del = cl_del,
                                .name = "count" } };

    memory_region_init(&root, NULL, "root", UINT64_MAX);
    address_space_init(&as, &root, "listen");
    memory_region_init_ram(&a, NULL, "listen.a", 0x1000, &error_abort);
    memory_region_add_subregion(&root, 0x1000, &a);
    memory_listener_register(&cl.l, &as);
    tap_ok(cl.adds == 1 && cl.last_add == &a && cl.commits == 1,
           "registration replays the current sections");

    cl = (CountListener){ .l = cl.l };
    memory_region_init_ram(&b, NULL, "listen.b", 0x1000, &error_abort);
    memory_region_add_subregion(&root, 0x8000, &b);
    tap_ok(cl.begins == 1 && cl.commits == 1 && cl.adds == 1 && cl.last_add == &b &&
               cl.last_add_addr == 0x8000 && cl.dels == 0,
           "adding a region: begin, region_add of just that section, commit");

    cl.begins = cl.commits = cl.adds = cl.dels = 0;
    memory_region_init_ram(&c, NULL, "listen.c", 0x1000, &error_abort);
    memory_region_transaction_begin();
    memory_region_add_subregion(&root, 0x10000, &c);
    memory_region_set_address(&b, 0x9000);
    memory_region_set_enabled(&a, false);
    tap_ok(cl.commits == 0, "nothing is told inside a transaction");
    memory_region_transaction_commit();
    tap_ok(cl.begins == 1 && cl.commits == 1 && cl.adds == 2 && cl.dels == 2,
           "one commit for three changes: 2 sections gone, 2 new");

    cl.begins = cl.commits = 0;
    memory_region_set_enabled(&a, false);
    memory_region_transaction_begin();
    memory_region_set_address(&b, 0x8000);
    memory_region_set_address(&b, 0x9000);
    memory_region_transaction_commit();
    tap_ok(cl.commits == 0, "a transaction that ends where it started tells nobody");

    /* another address space's changes are not ours */
    memory_region_set_enabled(&a, true);
    cl.commits = 0;
    MemoryRegion port;
    memory_region_init_io(&port, NULL, &ops_default, NULL, "listen.port", 1);
    memory_region_add_subregion(get_system_io(), 0x80, &port);
    tap_ok(cl.commits == 0, "listeners only hear about their own address space");
    memory_region_del_subregion(get_system_io(), &port);
    memory_region_finalize(&port);

    cl.dels = 0;
    memory_listener_unregister(&cl.l);
    tap_ok(cl.dels == 3, "unregistering removes every current section");
    cl.commits = 0;
    memory_region_del_subregion(&root, &c);
    tap_ok(cl.commits == 0, "an unregistered listener is not called");

    memory_region_del_subregion(&root, &b);
    memory_region_del_subregion(&root, &a);
    address_space_destroy(&as);
    memory_region_finalize(&a);
    memory_region_finalize(&b);
    memory_region_finalize(&c);
    memory_region_finalize(&root);
}

static void test_translate_map(void)
{
    MemoryRegion root, ram, mmio;
    AddressSpace as;
    TestDev d;

    dev_reset(&d);
    memory_region_init(&root, NULL, "root", UINT64_MAX);
    address_space_init(&as, &root, "xlat");
    memory_region_init_ram(&ram, NULL, "xlat.ram", 0x4000, &error_abort);
    memory_region_init_io(&mmio, NULL, &ops_default, &d, "xlat.mmio", 0x100);
    memory_region_add_subregion(&root, 0x10000, &ram);
    memory_region_add_subregion(&root, 0x14000, &mmio);
    fill(&ram, 0x21);

    hwaddr xlat, len = 0x10000;
    MemoryRegion *mr = address_space_translate(&as, 0x11234, &xlat, &len, false, ATTRS);
    tap_ok(mr == &ram && xlat == 0x1234 && len == 0x4000 - 0x1234,
           "translate: RAM region, offset, length to the end of the piece");
    len = 0x10000;
    mr = address_space_translate(&as, 0x14010, &xlat, &len, true, ATTRS);
    tap_ok(mr == &mmio && xlat == 0x10 && len == 0xf0, "translate: MMIO region and offset");
    len = 0x10000;
    mr = address_space_translate(&as, 0xf000, &xlat, &len, false, ATTRS);
    tap_ok(memory_region_is_unassigned(mr) && len == 0x1000,
           "translate: unassigned, up to the next mapped range");

    /* a buffer spanning RAM and MMIO */
    uint8_t buf[8];
    MemTxResult res = address_space_read(&as, 0x13ffc, ATTRS, buf, 8);
    tap_ok(res == MEMTX_OK && buf[0] == (uint8_t)(0x21 ^ 0xfc) && buf[4] == d.regs[0] &&
               buf[7] == d.regs[3],
           "a read spanning RAM and MMIO gets both");

    /* map: RAM is direct, MMIO is bounced */
    hwaddr plen = 0x8000;
    uint8_t *p = address_space_map(&as, 0x10100, &plen, true, ATTRS);
    tap_ok(p == (uint8_t *)memory_region_get_ram_ptr(&ram) + 0x100 && plen == 0x3f00,
           "map of RAM: a direct pointer, length cut at the end of RAM");
    p[0] = 0xcc;
    address_space_unmap(&as, p, plen, true, 1);
    tap_ok(rd8(&as, 0x10100) == 0xcc, "unmap of RAM: the write is there");

    dev_reset(&d);
    plen = 4;
    p = address_space_map(&as, 0x14020, &plen, false, ATTRS);
    tap_ok(p && plen == 4 && p[0] == d.regs[0x20] && p[3] == d.regs[0x23] && d.n == 1,
           "map of MMIO for reading: a bounce buffer filled by a read");
    address_space_unmap(&as, p, plen, false, 4);
    dev_reset(&d);
    plen = 4;
    p = address_space_map(&as, 0x14020, &plen, true, ATTRS);
    memcpy(p, "\x01\x02\x03\x04", 4);
    tap_ok(d.n == 0, "map of MMIO for writing: nothing written yet");
    address_space_unmap(&as, p, plen, true, 4);
    tap_ok(d.n == 1 && log_is(&d, 0, true, 0x20, 4, 0x04030201),
           "unmap of a bounce buffer writes it back");

    memory_region_del_subregion(&root, &mmio);
    memory_region_del_subregion(&root, &ram);
    address_space_destroy(&as);
    memory_region_finalize(&mmio);
    memory_region_finalize(&ram);
    memory_region_finalize(&root);
}

static void test_bql_held_by_caller(void)
{
    MemoryRegion port;
    TestDev d;

    dev_reset(&d);
    memory_region_init_io(&port, NULL, &ops_default, &d, "bql.port", 4);
    memory_region_add_subregion(get_system_io(), 0x70, &port);
    bql_lock();
    address_space_stb(&address_space_io, 0x70, 1, ATTRS, NULL);
    uint8_t buf[2];
    address_space_read(&address_space_io, 0x70, ATTRS, buf, 2);
    bool still = bql_locked();
    bql_unlock();
    tap_ok(d.n == 2 && still && d.lock_held_always,
           "a caller holding the big lock keeps it, and MMIO runs under it");
    tap_ok(!bql_locked(), "a caller without the big lock does not end up holding it");
    address_space_ldub(&address_space_io, 0x70, ATTRS, NULL);
    tap_ok(!bql_locked() && d.n == 3 && d.lock_held_always,
           "MMIO from a thread without the lock: taken for the callback, dropped after");
    memory_region_del_subregion(get_system_io(), &port);
    memory_region_finalize(&port);
}

static void test_translate_for_tlb(void)
{
    MemoryRegion root, ram, ro_alias, romd, mmio;
    AddressSpace as;
    MemoryRegionXlat x;
    TestDev d;

    dev_reset(&d);
    memory_region_init(&root, NULL, "root", UINT64_MAX);
    address_space_init(&as, &root, "tlb");
    memory_region_init_ram(&ram, NULL, "tlb.ram", 0x20000, &error_abort);
    memory_region_add_subregion(&root, 0, &ram);
    /* a PAM-style read-only window onto the same RAM, over it */
    memory_region_init_alias(&ro_alias, NULL, "tlb.pam", &ram, 0x10000, 0x4000);
    memory_region_set_readonly(&ro_alias, true);
    memory_region_add_subregion_overlap(&root, 0x10000, &ro_alias, 1);
    memory_region_init_rom_device(&romd, NULL, &ops_default, &d, "tlb.flash", 0x1000, &error_abort);
    memory_region_add_subregion(&root, 0x100000, &romd);
    memory_region_init_io(&mmio, NULL, &ops_default, &d, "tlb.mmio", 0x1000);
    memory_region_add_subregion(&root, 0x200000, &mmio);
    uint8_t *host = memory_region_get_ram_ptr(&ram);
    ram_addr_t ra = memory_region_get_ram_addr(&ram);

    address_space_translate_for_tlb(&as, 0x1234, ATTRS, &x);
    tap_ok(x.mr == &ram && x.host == host + 0x1234 && x.ram_addr == ra + 0x1234 && !x.readonly &&
               x.len == 0x10000 - 0x1234,
           "tlb translate: RAM gives host pointer, ram_addr, writable, length");
    address_space_translate_for_tlb(&as, 0x10010, ATTRS, &x);
    tap_ok(x.mr == &ram && x.host == host + 0x10010 && x.readonly && x.len == 0x3ff0,
           "tlb translate: a read-only alias of RAM is host-readable but read-only");
    address_space_stb(&as, 0x10010, 0x66, ATTRS, NULL);
    tap_ok(host[0x10010] != 0x66, "and a write through the read-only alias is dropped");
    memory_region_set_enabled(&ro_alias, false);
    address_space_translate_for_tlb(&as, 0x10010, ATTRS, &x);
    tap_ok(x.mr == &ram && !x.readonly, "disabling the alias makes the RAM writable there");

    address_space_translate_for_tlb(&as, 0x100008, ATTRS, &x);
    tap_ok(x.mr == &romd && x.host && x.readonly && x.xlat == 8,
           "tlb translate: ROM device in romd mode: host reads, writes to the device");
    memory_region_rom_device_set_romd(&romd, false);
    address_space_translate_for_tlb(&as, 0x100008, ATTRS, &x);
    tap_ok(x.mr == &romd && !x.host, "tlb translate: ROM device out of romd mode is MMIO");

    address_space_translate_for_tlb(&as, 0x200010, ATTRS, &x);
    tap_ok(x.mr == &mmio && !x.host && x.xlat == 0x10 && x.len == 0xff0,
           "tlb translate: MMIO has no host pointer");
    address_space_translate_for_tlb(&as, 0x300000, ATTRS, &x);
    tap_ok(memory_region_is_unassigned(x.mr) && !x.host && x.ram_addr == RAM_ADDR_INVALID &&
               x.len == 0 - (uint64_t)0x300000,
           "tlb translate: unassigned to the end of the space");

    char *text = NULL;
    size_t tlen = 0;
    FILE *f = open_memstream(&text, &tlen);
    memory_print_mtree(f, false);
    memory_print_mtree(f, true);
    fclose(f);
    tap_ok(text && strstr(text, "address-space: tlb") && strstr(text, "tlb.pam") &&
               strstr(text, "@tlb.ram"),
           "info mtree lists the address space, its regions and the alias target");
    free(text);

    memory_region_del_subregion(&root, &mmio);
    memory_region_del_subregion(&root, &romd);
    memory_region_del_subregion(&root, &ro_alias);
    memory_region_del_subregion(&root, &ram);
    address_space_destroy(&as);
    memory_region_finalize(&mmio);
    memory_region_finalize(&romd);
    memory_region_finalize(&ro_alias);
    memory_region_finalize(&ram);
    memory_region_finalize(&root);
}

/*
 * Readers on other threads (no big lock) read RAM and MMIO while the main
 * thread, holding the big lock, keeps remapping an overlay: every read must
 * see either the RAM or the overlay, never garbage, and nothing may crash
 * (run under ASan/TSan this also checks the view refcounting).
 */
typedef struct Reader {
    AddressSpace *as;
    volatile bool *stop;
    long reads, bad;
} Reader;

static void *reader_thread(void *arg)
{
    Reader *r = arg;
    while (!__atomic_load_n(r->stop, __ATOMIC_ACQUIRE)) {
        uint8_t b = address_space_ldub(r->as, 0x1000, ATTRS, NULL);
        /* RAM byte is 0x5a, overlay RAM 0xa5, MMIO regs[0] == 1 */
        if (b != 0x5a && b != 0xa5 && b != 1) {
            r->bad++;
        }
        __atomic_add_fetch(&r->reads, 1, __ATOMIC_RELAXED);
    }
    return NULL;
}

static void test_concurrent_remap(void)
{
    MemoryRegion root, ram, overlay, mmio;
    AddressSpace as;
    TestDev d;
    volatile bool stop = false;
    enum { N = 4 };
    pthread_t t[N];
    Reader rd[N];

    dev_reset(&d);
    memory_region_init(&root, NULL, "root", UINT64_MAX);
    address_space_init(&as, &root, "remap");
    memory_region_init_ram(&ram, NULL, "remap.ram", 0x2000, &error_abort);
    memory_region_init_ram(&overlay, NULL, "remap.overlay", 0x1000, &error_abort);
    memory_region_init_io(&mmio, NULL, &ops_default, &d, "remap.mmio", 0x1000);
    memset(memory_region_get_ram_ptr(&ram), 0x5a, 0x2000);
    memset(memory_region_get_ram_ptr(&overlay), 0xa5, 0x1000);
    memory_region_add_subregion(&root, 0, &ram);
    for (int i = 0; i < N; i++) {
        rd[i] = (Reader){ &as, &stop, 0, 0 };
        pthread_create(&t[i], NULL, reader_thread, &rd[i]);
    }
    /* Remap at least 3000 times, and until every reader has read during
     * the remapping (threads may start late on a loaded machine); give up
     * after 10 s so a stuck reader fails instead of hanging. */
    long start_reads[N];
    for (int i = 0; i < N; i++) {
        start_reads[i] = __atomic_load_n(&rd[i].reads, __ATOMIC_RELAXED);
    }
    time_t deadline = time(NULL) + 10;
    int remaps = 0;
    for (;;) {
        bool all_read = true;
        for (int i = 0; i < N; i++) {
            all_read &= __atomic_load_n(&rd[i].reads, __ATOMIC_RELAXED) > start_reads[i] + 100;
        }
        if ((remaps >= 3000 && all_read) || time(NULL) > deadline) {
            break;
        }
        bql_lock();
        MemoryRegion *o = (remaps & 1) ? &mmio : &overlay;
        memory_region_add_subregion_overlap(&root, 0x1000, o, 1);
        memory_region_del_subregion(&root, o);
        bql_unlock();
        remaps++;
    }
    __atomic_store_n(&stop, true, __ATOMIC_RELEASE);
    long reads = 0, bad = 0, idle = 0;
    for (int i = 0; i < N; i++) {
        pthread_join(t[i], NULL);
        reads += rd[i].reads - start_reads[i];
        bad += rd[i].bad;
        idle += rd[i].reads <= start_reads[i] + 100;
    }
    tap_ok(bad == 0 && idle == 0, "%ld reads by %d threads during %d remaps, %ld saw garbage",
           reads, N, 2 * remaps, bad);
    tap_ok(d.lock_held_always, "MMIO reached from reader threads ran under the big lock");

    memory_region_del_subregion(&root, &ram);
    address_space_destroy(&as);
    memory_region_finalize(&mmio);
    memory_region_finalize(&overlay);
    memory_region_finalize(&ram);
    memory_region_finalize(&root);
}

int main(void)
{
    test_priorities();
    test_aliases_containers();
    test_access_sizes();
    test_io_space();
    test_rom();
    test_listeners();
    test_listener_order();
    test_translate_map();
    test_bql_held_by_caller();
    test_translate_for_tlb();
    test_concurrent_remap();
    return tap_done();
}
