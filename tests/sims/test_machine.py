"""The machine record: parsing /proc/cpuinfo text and the record's fields."""

from __future__ import annotations

import json

from sims.machine import cpu_model_and_flags, machine_info

CPUINFO_X86 = """processor\t: 0
vendor_id\t: AuthenticAMD
model name\t: AMD EPYC 7B13
flags\t\t: fpu vme sse sse2 ssse3 fma sse4_1 sse4_2 popcnt avx f16c avx2 bmi1 bmi2 avx512f avx512bw svm hypervisor

processor\t: 1
model name\t: AMD EPYC 7B13
flags\t\t: fpu
"""

CPUINFO_ARM = """processor\t: 0
Features\t: fp asimd evtstrm aes pmull sha1 sha2 crc32 atomics asimdhp sve
CPU implementer\t: 0x41
"""


def test_x86_flags_keep_only_instruction_sets_of_the_first_cpu():
    model, flags = cpu_model_and_flags(CPUINFO_X86)
    assert model == "AMD EPYC 7B13"
    assert flags == sorted(["sse", "sse2", "ssse3", "fma", "sse4_1", "sse4_2", "popcnt", "avx", "f16c", "avx2",
                            "bmi1", "bmi2", "avx512f", "avx512bw"])
    assert "svm" not in flags and "hypervisor" not in flags


def test_arm_features_are_read_and_a_missing_model_falls_back():
    model, flags = cpu_model_and_flags(CPUINFO_ARM)
    assert "asimd" in flags and "sve" in flags and "aes" not in flags
    assert isinstance(model, str)


def test_record_is_json_ready_and_names_the_blas_kernel_fields():
    info = machine_info()
    json.dumps(info)
    assert info["logical_cpus"] >= 1
    for lib in info["blas"]:
        assert "internal_api" in lib and "num_threads" in lib
    assert info["versions"]["numpy"]
