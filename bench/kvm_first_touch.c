// SPDX-License-Identifier: GPL-2.0
/*
 * Stage 2 tag-initialisation benchmark, run in the guest (nested KVM).
 * Built against the kernel's KVM selftest library (scripts/bench-build.sh).
 *
 *   kvm_first_touch V PAGES REPS shared|private|nomte
 *
 * A VM with KVM_CAP_ARM_MTE (not for "nomte") and V vCPUs; each vCPU
 * first-touches its own PAGES pages of one memslot, backed by a MAP_SHARED
 * memfd ("shared") or private anonymous memory.  Every stage 2 fault
 * initialises the page's tags (sanitise_mte_tags()).  Prints one JSON
 * object per repetition with the wall time per page, or an "error" member
 * when the memslot is refused (a kernel without shared MTE memslots).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include "kvm_util.h"
#include "processor.h"

#define SLOT	1
#define GPA	0x40000000UL
#define MAX_V	64

static void guest_code(uint64_t base, uint64_t pages)
{
	uint64_t i;

	for (i = 0; i < pages; i++)
		*(volatile uint64_t *)(base + i * 4096) = i;
	GUEST_DONE();
}

static void *vcpu_thread(void *arg)
{
	struct kvm_vcpu *vcpu = arg;
	struct ucall uc;

	vcpu_run(vcpu);
	TEST_ASSERT(get_ucall(vcpu, &uc) == UCALL_DONE, "vCPU did not finish");
	return NULL;
}

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int main(int argc, char **argv)
{
	struct kvm_vcpu *vcpus[MAX_V];
	pthread_t threads[MAX_V];
	int v, reps, r, i;
	const char *mode;
	uint64_t pages;

	if (argc != 5) {
		fprintf(stderr, "usage: %s V PAGES REPS shared|private|nomte\n", argv[0]);
		return 2;
	}
	v = atoi(argv[1]);
	pages = atol(argv[2]);
	reps = atoi(argv[3]);
	mode = argv[4];
	if (v < 1 || v > MAX_V)
		return 2;

	for (r = 0; r < reps; r++) {
		size_t size = v * pages * 4096;
		struct kvm_vm *vm = vm_create(v);
		long long t0;
		void *hva;
		int fd = -1;

		if (strcmp(mode, "nomte"))
			vm_enable_cap(vm, KVM_CAP_ARM_MTE, 0);
		for (i = 0; i < v; i++)
			vcpus[i] = vm_vcpu_add(vm, i, guest_code);
#ifdef KVM_UCALL_INIT	/* 6.1's selftest library */
		ucall_init(vm, NULL);
#else	/* mainline's: initialise the default vGIC after the vCPUs */
		kvm_arch_vm_finalize_vcpus(vm);
#endif
		if (!strcmp(mode, "shared")) {
			fd = memfd_create("kvm_first_touch", 0);
			TEST_ASSERT(fd >= 0 && !ftruncate(fd, size), "memfd");
			hva = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		} else {
			hva = mmap(NULL, size, PROT_READ | PROT_WRITE,
				   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		}
		TEST_ASSERT(hva != MAP_FAILED, "mmap");
		if (__vm_set_user_memory_region(vm, SLOT, 0, GPA, size, hva)) {
			printf("{\"workload\":\"kvm-%s\",\"vcpus\":%d,\"pages\":%lu,\"rep\":%d,\"error\":\"%s\"}\n",
			       mode, v, (unsigned long)pages, r, strerror(errno));
			return 0;
		}
		virt_map(vm, GPA, GPA, v * pages);
		for (i = 0; i < v; i++)
			vcpu_args_set(vcpus[i], 2, GPA + i * pages * 4096, pages);
		t0 = now_ns();
		/* the window marks of the insn-classes plugin (make bench) */
		asm volatile("hint #0x7e" : : : "memory");
		for (i = 0; i < v; i++)
			pthread_create(&threads[i], NULL, vcpu_thread, vcpus[i]);
		for (i = 0; i < v; i++)
			pthread_join(threads[i], NULL);
		asm volatile("hint #0x7f" : : : "memory");
		printf("{\"workload\":\"kvm-%s\",\"vcpus\":%d,\"pages\":%lu,\"rep\":%d,\"ns_per_page\":%.1f}\n",
		       mode, v, (unsigned long)pages, r,
		       (double)(now_ns() - t0) / (v * pages));
		fflush(stdout);
		kvm_vm_free(vm);
		munmap(hva, size);
		if (fd >= 0)
			close(fd);
	}
	return 0;
}
