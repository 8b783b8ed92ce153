// SPDX-License-Identifier: GPL-2.0
/*
 * A QEMU TCG plugin (make bench, icount mode): the kernel's atomics,
 * barriers and acquire/release accesses executed inside the benchmarks'
 * timed windows, counted in the running guest.
 *
 * The benchmark programs (bench/mte_first_touch.c, bench/kvm_first_touch.c)
 * execute "hint #0x7e" when a timed window begins and "hint #0x7f" when it
 * ends (hints QEMU executes as NOPs).  Between the two, every instruction
 * executed at a kernel address (the top 16 bits set) is counted, and so is
 * each one of these classes, decoded from its A64 encoding:
 *   atomics   LSE atomics (LD<op>, ST<op>, SWP, CAS, CASP) and exclusive
 *             pairs, counted once, at the store-exclusive
 *   barriers  DMB, DSB, ISB
 *   acq/rel   load-acquires and store-releases: LDAR, LDAPR, STLR and the
 *             acquire or release forms of the atomics and exclusives
 * At the end of each window the plugin prints one line through QEMU's log
 * (-d plugin -D FILE):
 *   insn-classes: window N insns I atomics A barriers B acqrel R
 * Windows are numbered from 0 in the order they end; scripts/bench.sh
 * pairs window N with the boot's Nth benchmark record.  Counting is meant
 * for one vCPU (make bench's icount boots, -smp 1): the inline counters of
 * other vCPUs are read without synchronisation.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <qemu-plugin.h>

QEMU_PLUGIN_EXPORT int qemu_plugin_version = QEMU_PLUGIN_VERSION;

#define HINT_BEGIN	0xd5032fdfu	/* hint #0x7e */
#define HINT_END	0xd5032fffu	/* hint #0x7f */

enum { C_INSNS, C_ATOMICS, C_BARRIERS, C_ACQREL, C_N };

struct counts {
	uint64_t c[C_N];
};

static struct qemu_plugin_scoreboard *board;
static struct counts start;
static uint64_t window;
static int open_windows;

static qemu_plugin_u64 field(int i)
{
	return qemu_plugin_scoreboard_u64_in_struct(board, struct counts, c[i]);
}

static struct counts total(void)
{
	struct counts t;
	int i;

	for (i = 0; i < C_N; i++)
		t.c[i] = qemu_plugin_u64_sum(field(i));
	return t;
}

/*
 * The classes of instruction @op: bit C_ATOMICS, C_BARRIERS, C_ACQREL.
 * Encodings from the Arm ARM, "Loads and Stores" and "Barriers".
 */
static unsigned int classify(uint32_t op)
{
	unsigned int k = 0;

	/*
	 * LDAPR: size 111 0 00 1 0 1 11111 1100 00 Rn Rt, in the atomics'
	 * encoding space (o3 = 1, opc = 100), so tested first
	 */
	if ((op & 0x3ffffc00) == 0x38bfc000) {
		k |= 1 << C_ACQREL;
	/* LD<op>/ST<op>/SWP: size 111 0 00 A R 1 Rs o3 opc 00 Rn Rt */
	} else if ((op & 0x3f200c00) == 0x38200000) {
		k |= 1 << C_ATOMICS;
		if (op & (3u << 22))			/* A or R */
			k |= 1 << C_ACQREL;
	/* CAS: size 001000 1 L 1 Rs o0 11111; CASP: 0 sz 001000 0 L 1 Rs o0 11111 */
	} else if ((op & 0x3fa07c00) == 0x08a07c00 || (op & 0xbfa07c00) == 0x08207c00) {
		k |= 1 << C_ATOMICS;
		if (op & ((1u << 22) | (1u << 15)))	/* L or o0 */
			k |= 1 << C_ACQREL;
	/* load/store exclusive: size 001000 0 L o1 Rs o0 Rt2 Rn Rt */
	} else if ((op & 0x3f800000) == 0x08000000) {
		if (!(op & (1u << 22)))			/* the store */
			k |= 1 << C_ATOMICS;
		if (op & (1u << 15))			/* LDAXR, STLXR */
			k |= 1 << C_ACQREL;
	/* load-acquire/store-release: size 001000 1 L 0 11111 o0 11111 */
	} else if ((op & 0x3fbf7c00) == 0x089f7c00) {
		k |= 1 << C_ACQREL;
	/* DSB, DMB, ISB: 1101 0101 0000 0011 0011 CRm 1 opc 11111 */
	} else if ((op & 0xfffff09f) == 0xd503309f) {
		k |= 1 << C_BARRIERS;
	}
	return k;
}

static void mark(unsigned int vcpu, void *udata)
{
	char line[160];
	struct counts t;

	if (udata == (void *)1) {
		if (open_windows++ == 0)
			start = total();
		return;
	}
	if (open_windows == 0 || --open_windows > 0)
		return;
	t = total();
	snprintf(line, sizeof(line),
		 "insn-classes: window %" PRIu64 " insns %" PRIu64 " atomics %" PRIu64
		 " barriers %" PRIu64 " acqrel %" PRIu64 "\n", window++,
		 t.c[C_INSNS] - start.c[C_INSNS], t.c[C_ATOMICS] - start.c[C_ATOMICS],
		 t.c[C_BARRIERS] - start.c[C_BARRIERS], t.c[C_ACQREL] - start.c[C_ACQREL]);
	qemu_plugin_outs(line);
}

static void tb_trans(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
	size_t n = qemu_plugin_tb_n_insns(tb), i;
	bool kernel = qemu_plugin_tb_vaddr(tb) >> 48 == 0xffff;

	if (kernel)
		qemu_plugin_register_vcpu_tb_exec_inline_per_vcpu(tb, QEMU_PLUGIN_INLINE_ADD_U64,
								  field(C_INSNS), n);
	for (i = 0; i < n; i++) {
		struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, i);
		uint32_t op = 0;
		unsigned int k, c;

		if (qemu_plugin_insn_data(insn, &op, sizeof(op)) != sizeof(op))
			continue;
		if (op == HINT_BEGIN || op == HINT_END) {
			qemu_plugin_register_vcpu_insn_exec_cb(insn, mark, QEMU_PLUGIN_CB_NO_REGS,
							       (void *)(uintptr_t)(op == HINT_BEGIN));
			continue;
		}
		if (!kernel)
			continue;
		k = classify(op);
		for (c = C_ATOMICS; c < C_N; c++)
			if (k & (1 << c))
				qemu_plugin_register_vcpu_insn_exec_inline_per_vcpu(
					insn, QEMU_PLUGIN_INLINE_ADD_U64, field(c), 1);
	}
}

QEMU_PLUGIN_EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info,
					   int argc, char **argv)
{
	if (strcmp(info->target_name, "aarch64")) {
		fprintf(stderr, "insn-classes: an aarch64 plugin, not for %s\n", info->target_name);
		return -1;
	}
	board = qemu_plugin_scoreboard_new(sizeof(struct counts));
	qemu_plugin_register_vcpu_tb_trans_cb(id, tb_trans);
	return 0;
}
