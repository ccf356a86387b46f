"""The figures the national builder rests on: the national totals and voting days (public
facts), the forces per TPS (public figures and stated assumptions), the provincial capitals,
and the limits of TPS numbering and NRP serials. See docs/national-scenario.md."""

from __future__ import annotations

import datetime as dt
import math

from pollguard.domain.tps import SPECIAL_NUMBER_START, Election, LocationType

PILKADA_2024_TPS = 435_296
PEMILU_2024_TPS = 820_161
#: A national total above this builds a Pemilu (TPS of up to 300 voters), else a Pilkada (600).
PEMILU_ABOVE = 500_000
DEFAULT_SEED = 2024
VOTING_DAY = {Election.PILKADA: dt.date(2024, 11, 27), Election.PEMILU: dt.date(2024, 2, 14)}
#: Mean registered voters per TPS: Pilkada 2024 about 203 million over 435,296 TPS; Pemilu 2024
#: 204.8 million over 820,161.
VOTERS_PER_TPS = {Election.PILKADA: 466, Election.PEMILU: 250}

#: Polri per TPS, all units together. Pemilu 2024: 434,197 Polri for 820,161 TPS; a Pilkada has
#: about half the TPS for a similar force, so the ratio is higher (an assumption).
POLRI_PER_TPS = {Election.PILKADA: 0.60, Election.PEMILU: 0.53}
#: Of the Polri force: the Polda pool (Polda HQ and satker: Brimob, Samapta, directorates).
POLDA_POOL_SHARE = 0.40
MIN_AT_POLRES_HQ = 5
TNI_PER_TPS = 0.25
#: Special-location TPS (prisons, detention centres, hospitals): Jambi's 9 of 6,391.
SPECIAL_TPS_PER_TPS = 9 / 6_391
SPECIAL_KINDS = (LocationType.PRISON, LocationType.DETENTION_CENTRE, LocationType.HOSPITAL)
#: Regular TPS are numbered 1-900 in a desa; 901+ are special-location TPS.
MAX_REGULAR_PER_DESA = SPECIAL_NUMBER_START - 1
MAX_SPECIAL_PER_DESA = 999 - MAX_REGULAR_PER_DESA
#: NRP are ``YYMMNNNN``; national_recipes gives each province its own range of NNNN.
NRP_SERIALS = 10_000

#: Without real kab/kota points: assumed km² per desa/kelurahan, and the bounds.
KAB_KM2_PER_DESA, KAB_KM2_RANGE = 20.0, (300.0, 20_000.0)
KOTA_KM2_PER_DESA, KOTA_KM2_RANGE = 4.0, (20.0, 1_500.0)
GOLDEN_ANGLE_DEG = 180.0 * (3.0 - math.sqrt(5.0))

#: Provincial capitals (public facts): name, the kab/kota that holds it, approximate point.
CAPITALS: dict[str, tuple[str, str, float, float]] = {
    "11": ("Banda Aceh", "11.71", 5.55, 95.32),
    "12": ("Medan", "12.71", 3.59, 98.67),
    "13": ("Padang", "13.71", -0.95, 100.35),
    "14": ("Pekanbaru", "14.71", 0.51, 101.45),
    "15": ("Jambi", "15.71", -1.61, 103.61),
    "16": ("Palembang", "16.71", -2.98, 104.75),
    "17": ("Bengkulu", "17.71", -3.80, 102.26),
    "18": ("Bandar Lampung", "18.71", -5.43, 105.26),
    "19": ("Pangkal Pinang", "19.71", -2.13, 106.11),
    "21": ("Tanjung Pinang", "21.72", 0.92, 104.45),
    "31": ("Jakarta", "31.71", -6.18, 106.83),
    "32": ("Bandung", "32.73", -6.91, 107.61),
    "33": ("Semarang", "33.74", -6.97, 110.42),
    "34": ("Yogyakarta", "34.71", -7.80, 110.36),
    "35": ("Surabaya", "35.78", -7.25, 112.75),
    "36": ("Serang", "36.73", -6.12, 106.15),
    "51": ("Denpasar", "51.71", -8.65, 115.22),
    "52": ("Mataram", "52.71", -8.58, 116.12),
    "53": ("Kupang", "53.71", -10.17, 123.61),
    "61": ("Pontianak", "61.71", -0.03, 109.34),
    "62": ("Palangka Raya", "62.71", -2.21, 113.92),
    "63": ("Banjarbaru", "63.72", -3.44, 114.83),
    "64": ("Samarinda", "64.72", -0.50, 117.15),
    "65": ("Tanjung Selor", "65.01", 2.84, 117.37),
    "71": ("Manado", "71.71", 1.47, 124.84),
    "72": ("Palu", "72.71", -0.90, 119.87),
    "73": ("Makassar", "73.71", -5.15, 119.43),
    "74": ("Kendari", "74.71", -3.97, 122.51),
    "75": ("Gorontalo", "75.71", 0.54, 123.06),
    "76": ("Mamuju", "76.02", -2.68, 118.89),
    "81": ("Ambon", "81.71", -3.70, 128.18),
    "82": ("Sofifi", "82.72", 0.74, 127.56),
    "91": ("Jayapura", "91.71", -2.53, 140.72),
    "92": ("Manokwari", "92.02", -0.86, 134.06),
    "93": ("Merauke", "93.01", -8.49, 140.40),
    "94": ("Nabire", "94.01", -3.37, 135.50),
    "95": ("Wamena", "95.01", -4.10, 138.95),
    "96": ("Sorong", "96.71", -0.88, 131.26),
}
