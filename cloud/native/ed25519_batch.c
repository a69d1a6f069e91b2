/*
 * Ed25519 batch verification for the cloud's chain audit.
 *
 * Checks n signatures at once with one random linear combination (the batch equation of
 * Bernstein et al., "High-speed high-security signatures", §5):
 *
 *   [8] ( [Σ z_i s_i] B  −  Σ_j [Σ_{i: key j} z_i h_i] A_j  −  Σ z_i R_i ) = 0
 *
 * with h_i = SHA-512(R_i ‖ A ‖ M_i) mod L and z_i 128-bit random scalars supplied by the caller.
 * Σ z_i R_i is a Pippenger multi-scalar multiplication; the few key and base-point terms share
 * one Straus pass. A result of 1 means every signature
 * satisfies the (cofactored) Ed25519 equation, except with probability about 2^-128; 0 means at
 * least one does not, or that an
 * input is outside what this code vouches for (non-canonical encodings, s ≥ L, a key with a
 * torsion component): the caller then checks one by one with node:crypto, which is the verdict
 * of record. Everything here handles public data only, so it is variable-time on purpose.
 *
 * Field elements are 5 limbs of 51 bits; points are extended twisted Edwards coordinates
 * (Hisil–Wong–Carter–Dawson 2008), whose a = −1 addition law is complete.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

__extension__ typedef unsigned __int128 u128;
typedef struct { uint64_t v[5]; } fe;

#define MASK51 ((1ULL << 51) - 1)

static const fe FE_D = {{0x34dca135978a3ULL, 0x1a8283b156ebdULL, 0x5e7a26001c029ULL, 0x739c663a03cbbULL, 0x52036cee2b6ffULL}};
static const fe FE_D2 = {{0x69b9426b2f159ULL, 0x35050762add7aULL, 0x3cf44c0038052ULL, 0x6738cc7407977ULL, 0x2406d9dc56dffULL}};
static const fe FE_SQRTM1 = {{0x61b274a0ea0b0ULL, 0x0d5a5fc8f189dULL, 0x7ef5e9cbd0c60ULL, 0x78595a6804c9eULL, 0x2b8324804fc1dULL}};
static const fe FE_BX = {{0x62d608f25d51aULL, 0x412a4b4f6592aULL, 0x75b7171a4b31dULL, 0x1ff60527118feULL, 0x216936d3cd6e5ULL}};
static const fe FE_BY = {{0x6666666666658ULL, 0x4ccccccccccccULL, 0x1999999999999ULL, 0x3333333333333ULL, 0x6666666666666ULL}};
static const fe FE_BT = {{0x68ab3a5b7dda3ULL, 0x00eea2a5eadbbULL, 0x2af8df483c27eULL, 0x332b375274732ULL, 0x67875f0fd78b7ULL}};
/* L = 2^252 + 27742317777372353535851937790883648493, little-endian 64-bit limbs. */
static const uint64_t SC_L[4] = {0x5812631a5cf5d3edULL, 0x14def9dea2f79cd6ULL, 0, 0x1000000000000000ULL};

/* ---- field arithmetic mod p = 2^255 − 19; every result is carried (limbs < 2^52) ---- */

static inline void fe_carry(fe *h) {
  uint64_t c;
  c = h->v[0] >> 51; h->v[0] &= MASK51; h->v[1] += c;
  c = h->v[1] >> 51; h->v[1] &= MASK51; h->v[2] += c;
  c = h->v[2] >> 51; h->v[2] &= MASK51; h->v[3] += c;
  c = h->v[3] >> 51; h->v[3] &= MASK51; h->v[4] += c;
  c = h->v[4] >> 51; h->v[4] &= MASK51; h->v[0] += 19 * c;
}

static inline void fe_0(fe *h) { memset(h, 0, sizeof *h); }
static inline void fe_1(fe *h) { fe_0(h); h->v[0] = 1; }

static inline void fe_add(fe *h, const fe *f, const fe *g) {
  for (int i = 0; i < 5; i++) h->v[i] = f->v[i] + g->v[i];
  fe_carry(h);
}

/* f − g + 4p keeps every limb positive for carried g. */
static inline void fe_sub(fe *h, const fe *f, const fe *g) {
  h->v[0] = f->v[0] + 0x1fffffffffffb4ULL - g->v[0];
  for (int i = 1; i < 5; i++) h->v[i] = f->v[i] + 0x1ffffffffffffcULL - g->v[i];
  fe_carry(h);
}

/*
 * Uncarried forms, only for results that go straight into fe_mul / fe_sq, which accept limbs
 * below 2^54: inputs carried (< 2^52) give sums below 2^53 and differences below 2^54.
 */
static inline void fe_add_nc(fe *h, const fe *f, const fe *g) {
  for (int i = 0; i < 5; i++) h->v[i] = f->v[i] + g->v[i];
}

static inline void fe_sub_nc(fe *h, const fe *f, const fe *g) {
  h->v[0] = f->v[0] + 0x1fffffffffffb4ULL - g->v[0];
  for (int i = 1; i < 5; i++) h->v[i] = f->v[i] + 0x1ffffffffffffcULL - g->v[i];
}

static inline void fe_neg(fe *h, const fe *f) {
  fe z;
  fe_0(&z);
  fe_sub(h, &z, f);
}

static inline void fe_reduce_wide(fe *h, u128 r0, u128 r1, u128 r2, u128 r3, u128 r4) {
  r1 += (uint64_t)(r0 >> 51);
  r2 += (uint64_t)(r1 >> 51);
  r3 += (uint64_t)(r2 >> 51);
  r4 += (uint64_t)(r3 >> 51);
  uint64_t c = (uint64_t)(r4 >> 51);
  h->v[0] = ((uint64_t)r0 & MASK51) + 19 * c;
  h->v[1] = (uint64_t)r1 & MASK51;
  h->v[2] = (uint64_t)r2 & MASK51;
  h->v[3] = (uint64_t)r3 & MASK51;
  h->v[4] = (uint64_t)r4 & MASK51;
  h->v[1] += h->v[0] >> 51;
  h->v[0] &= MASK51;
}

static inline void fe_mul(fe *h, const fe *f, const fe *g) {
  const uint64_t f0 = f->v[0], f1 = f->v[1], f2 = f->v[2], f3 = f->v[3], f4 = f->v[4];
  const uint64_t g0 = g->v[0], g1 = g->v[1], g2 = g->v[2], g3 = g->v[3], g4 = g->v[4];
  const uint64_t g1_19 = 19 * g1, g2_19 = 19 * g2, g3_19 = 19 * g3, g4_19 = 19 * g4;
  u128 r0 = (u128)f0 * g0 + (u128)f1 * g4_19 + (u128)f2 * g3_19 + (u128)f3 * g2_19 + (u128)f4 * g1_19;
  u128 r1 = (u128)f0 * g1 + (u128)f1 * g0 + (u128)f2 * g4_19 + (u128)f3 * g3_19 + (u128)f4 * g2_19;
  u128 r2 = (u128)f0 * g2 + (u128)f1 * g1 + (u128)f2 * g0 + (u128)f3 * g4_19 + (u128)f4 * g3_19;
  u128 r3 = (u128)f0 * g3 + (u128)f1 * g2 + (u128)f2 * g1 + (u128)f3 * g0 + (u128)f4 * g4_19;
  u128 r4 = (u128)f0 * g4 + (u128)f1 * g3 + (u128)f2 * g2 + (u128)f3 * g1 + (u128)f4 * g0;
  fe_reduce_wide(h, r0, r1, r2, r3, r4);
}

static inline void fe_sq(fe *h, const fe *f) {
  const uint64_t f0 = f->v[0], f1 = f->v[1], f2 = f->v[2], f3 = f->v[3], f4 = f->v[4];
  const uint64_t f0_2 = 2 * f0, f1_2 = 2 * f1, f2_2 = 2 * f2, f3_2 = 2 * f3;
  const uint64_t f3_19 = 19 * f3, f4_19 = 19 * f4;
  u128 r0 = (u128)f0 * f0 + (u128)f1_2 * f4_19 + (u128)f2_2 * f3_19;
  u128 r1 = (u128)f0_2 * f1 + (u128)f2_2 * f4_19 + (u128)f3 * f3_19;
  u128 r2 = (u128)f0_2 * f2 + (u128)f1 * f1 + (u128)f3_2 * f4_19;
  u128 r3 = (u128)f0_2 * f3 + (u128)f1_2 * f2 + (u128)f4 * f4_19;
  u128 r4 = (u128)f0_2 * f4 + (u128)f1_2 * f3 + (u128)f2 * f2;
  fe_reduce_wide(h, r0, r1, r2, r3, r4);
}

static void fe_sqn(fe *h, const fe *f, int n) {
  fe_sq(h, f);
  while (--n > 0) fe_sq(h, h);
}

static inline uint64_t load64(const uint8_t *s) {
  uint64_t x;
  memcpy(&x, s, 8); /* little-endian host (x86_64, aarch64) */
  return x;
}

/* The low 255 bits of s (bit 255 is the caller's to read). */
static void fe_frombytes(fe *h, const uint8_t s[32]) {
  h->v[0] = load64(s) & MASK51;
  h->v[1] = (load64(s + 6) >> 3) & MASK51;
  h->v[2] = (load64(s + 12) >> 6) & MASK51;
  h->v[3] = (load64(s + 19) >> 1) & MASK51;
  h->v[4] = (load64(s + 24) >> 12) & MASK51;
}

/* Canonical encoding: the unique representative in [0, p). */
static void fe_tobytes(uint8_t s[32], const fe *f) {
  fe t = *f;
  fe_carry(&t);
  fe_carry(&t);
  /* t < 2^255 now. Adding 19 overflows 2^255 exactly when t ≥ p; the fold then subtracts p. */
  t.v[0] += 19;
  fe_carry(&t);
  /* Add 2^255 − 19 and drop bit 255: undoes the +19 in both cases. */
  t.v[0] += (1ULL << 51) - 19;
  for (int i = 1; i < 5; i++) t.v[i] += (1ULL << 51) - 1;
  for (int i = 0; i < 4; i++) {
    t.v[i + 1] += t.v[i] >> 51;
    t.v[i] &= MASK51;
  }
  t.v[4] &= MASK51;
  uint64_t w[4] = {
    t.v[0] | (t.v[1] << 51),
    (t.v[1] >> 13) | (t.v[2] << 38),
    (t.v[2] >> 26) | (t.v[3] << 25),
    (t.v[3] >> 39) | (t.v[4] << 12),
  };
  memcpy(s, w, 32);
}

static int fe_iszero(const fe *f) {
  uint8_t s[32];
  fe_tobytes(s, f);
  uint8_t acc = 0;
  for (int i = 0; i < 32; i++) acc |= s[i];
  return acc == 0;
}

static int fe_isneg(const fe *f) {
  uint8_t s[32];
  fe_tobytes(s, f);
  return s[0] & 1;
}

/* z^((p−5)/8) = z^(2^252 − 3), for the square root in decompression. */
static void fe_pow22523(fe *out, const fe *z) {
  fe t0, t1, t2;
  fe_sq(&t0, z);             /* 2 */
  fe_sqn(&t1, &t0, 2);       /* 8 */
  fe_mul(&t1, z, &t1);       /* 9 */
  fe_mul(&t0, &t0, &t1);     /* 11 */
  fe_sq(&t0, &t0);           /* 22 */
  fe_mul(&t0, &t1, &t0);     /* 2^5 − 1 */
  fe_sqn(&t1, &t0, 5);
  fe_mul(&t0, &t1, &t0);     /* 2^10 − 1 */
  fe_sqn(&t1, &t0, 10);
  fe_mul(&t1, &t1, &t0);     /* 2^20 − 1 */
  fe_sqn(&t2, &t1, 20);
  fe_mul(&t1, &t2, &t1);     /* 2^40 − 1 */
  fe_sqn(&t1, &t1, 10);
  fe_mul(&t0, &t1, &t0);     /* 2^50 − 1 */
  fe_sqn(&t1, &t0, 50);
  fe_mul(&t1, &t1, &t0);     /* 2^100 − 1 */
  fe_sqn(&t2, &t1, 100);
  fe_mul(&t1, &t2, &t1);     /* 2^200 − 1 */
  fe_sqn(&t1, &t1, 50);
  fe_mul(&t0, &t1, &t0);     /* 2^250 − 1 */
  fe_sqn(&t0, &t0, 2);       /* 2^252 − 4 */
  fe_mul(out, &t0, z);       /* 2^252 − 3 */
}

/* ---- points ---- */

typedef struct { fe X, Y, Z, T; } ge;                 /* x = X/Z, y = Y/Z, xy = T/Z */
typedef struct { fe YpX, YmX, Z2, T2d; } ge_cached;  /* (Y+X, Y−X, 2Z, 2dT) */
typedef struct { fe YpX, YmX, T2d; } ge_niels;        /* cached form with Z = 1 */

static void ge_identity(ge *p) {
  fe_0(&p->X);
  fe_1(&p->Y);
  fe_1(&p->Z);
  fe_0(&p->T);
}

static void ge_to_cached(ge_cached *c, const ge *p) {
  fe_add_nc(&c->YpX, &p->Y, &p->X);
  fe_sub_nc(&c->YmX, &p->Y, &p->X);
  fe_add_nc(&c->Z2, &p->Z, &p->Z);
  fe_mul(&c->T2d, &p->T, &FE_D2);
}

/* The common tail of the additions; A, B, C are carried, D is below 2^53. */
static void ge_finish(ge *r, const fe *A, const fe *B, const fe *C, const fe *D) {
  fe E, F, G, H;
  fe_sub_nc(&E, B, A);
  fe_sub_nc(&F, D, C);
  fe_add_nc(&G, D, C);
  fe_add_nc(&H, B, A);
  fe_mul(&r->X, &E, &F);
  fe_mul(&r->Y, &G, &H);
  fe_mul(&r->T, &E, &H);
  fe_mul(&r->Z, &F, &G);
}

/* r = p + q for q given as (Y+X, Y−X, 2dT) and D = 2·Z1·Z2 (add-2008-hwcd-3). */
static void ge_add_parts(ge *r, const ge *p, const fe *YpX, const fe *YmX, const fe *T2d, const fe *D) {
  fe A, B, C, t;
  fe_sub_nc(&t, &p->Y, &p->X);
  fe_mul(&A, &t, YmX);
  fe_add_nc(&t, &p->Y, &p->X);
  fe_mul(&B, &t, YpX);
  fe_mul(&C, &p->T, T2d);
  ge_finish(r, &A, &B, &C, D);
}

/* r = p + q. */
static void ge_add(ge *r, const ge *p, const ge_cached *q) {
  fe D;
  fe_mul(&D, &p->Z, &q->Z2);
  ge_add_parts(r, p, &q->YpX, &q->YmX, &q->T2d, &D);
}

/* r = p + q for q with Z = 1: one multiplication fewer. */
static void ge_add_niels(ge *r, const ge *p, const ge_niels *q) {
  fe D;
  fe_add_nc(&D, &p->Z, &p->Z);
  ge_add_parts(r, p, &q->YpX, &q->YmX, &q->T2d, &D);
}

/* −q is (−X, Y, Z, −T): Y±X swap and 2dT changes sign. */
static void ge_cached_neg(ge_cached *r, const ge_cached *q) {
  const fe ypx = q->YpX;
  r->YpX = q->YmX;
  r->YmX = ypx;
  r->Z2 = q->Z2;
  fe_neg(&r->T2d, &q->T2d);
}

/* r = 2p (dbl-2008-hwcd with a = −1). */
static void ge_dbl(ge *r, const ge *p) {
  fe A, B, C, E, F, G, H, t;
  fe_sq(&A, &p->X);
  fe_sq(&B, &p->Y);
  fe_sq(&C, &p->Z);
  fe_add(&C, &C, &C);
  fe_add(&t, &p->X, &p->Y);
  fe_sq(&E, &t);
  fe_sub(&E, &E, &A);
  fe_sub(&E, &E, &B);
  fe_sub(&G, &B, &A);
  fe_sub(&F, &G, &C);
  fe_add(&t, &A, &B);
  fe_neg(&H, &t);
  fe_mul(&r->X, &E, &F);
  fe_mul(&r->Y, &G, &H);
  fe_mul(&r->T, &E, &H);
  fe_mul(&r->Z, &F, &G);
}

static void ge_neg(ge *r, const ge *p) {
  fe_neg(&r->X, &p->X);
  r->Y = p->Y;
  r->Z = p->Z;
  fe_neg(&r->T, &p->T);
}

static int ge_is_identity(const ge *p) {
  fe t;
  fe_sub(&t, &p->Y, &p->Z);
  return fe_iszero(&p->X) && fe_iszero(&t);
}

/*
 * Decode a point (RFC 8032 §5.1.3), refusing non-canonical y (y ≥ p) and "negative zero" x.
 * Returns 0 when s encodes no point.
 */
static int ge_frombytes(ge *p, const uint8_t s[32]) {
  uint8_t canon[32];
  fe u, v, v3, x, vx2, t;
  const int sign = s[31] >> 7;
  fe_frombytes(&p->Y, s);
  fe_tobytes(canon, &p->Y);
  canon[31] |= (uint8_t)(sign << 7);
  if (memcmp(canon, s, 32) != 0) return 0;

  fe_1(&p->Z);
  fe_sq(&u, &p->Y);
  fe_mul(&v, &u, &FE_D);
  fe_sub(&u, &u, &p->Z); /* u = y² − 1 */
  fe_add(&v, &v, &p->Z); /* v = d·y² + 1 */

  fe_sq(&v3, &v);
  fe_mul(&v3, &v3, &v);  /* v³ */
  fe_sq(&x, &v3);
  fe_mul(&x, &x, &v);
  fe_mul(&x, &x, &u);    /* u·v⁷ */
  fe_pow22523(&x, &x);
  fe_mul(&x, &x, &v3);
  fe_mul(&x, &x, &u);    /* x = u·v³·(u·v⁷)^((p−5)/8) */

  fe_sq(&vx2, &x);
  fe_mul(&vx2, &vx2, &v);
  fe_sub(&t, &vx2, &u);
  if (!fe_iszero(&t)) {
    fe_add(&t, &vx2, &u);
    if (!fe_iszero(&t)) return 0;
    fe_mul(&x, &x, &FE_SQRTM1);
  }
  if (fe_iszero(&x) && sign) return 0;
  if (fe_isneg(&x) != sign) fe_neg(&x, &x);
  p->X = x;
  fe_mul(&p->T, &p->X, &p->Y);
  return 1;
}

/* ---- scalars ---- */

/* 1 when the 256-bit little-endian s is < L (RFC 8032 rejects s ≥ L). */
static int sc_is_canonical(const uint8_t s[32]) {
  for (int i = 3; i >= 0; i--) {
    uint64_t w = load64(s + 8 * i);
    if (w < SC_L[i]) return 1;
    if (w > SC_L[i]) return 0;
  }
  return 0;
}

/* An accumulator of Σ z·x over up to 2^32 terms (x < 2^512, z < 2^128), reduced once at the end. */
#define ACC_LIMBS 12
typedef struct { uint64_t v[ACC_LIMBS]; } acc;

static void acc_muladd(acc *a, const uint64_t *x, int xn, const uint64_t z[2]) {
  for (int j = 0; j < 2; j++) {
    uint64_t carry = 0;
    int i = 0;
    for (; i < xn; i++) {
      u128 t = (u128)x[i] * z[j] + a->v[i + j] + carry;
      a->v[i + j] = (uint64_t)t;
      carry = (uint64_t)(t >> 64);
    }
    for (int k = i + j; carry && k < ACC_LIMBS; k++) {
      u128 t = (u128)a->v[k] + carry;
      a->v[k] = (uint64_t)t;
      carry = (uint64_t)(t >> 64);
    }
  }
}

/* out = a mod L, little-endian bytes, by shift-and-subtract (once per batch and key). */
static void acc_reduce(uint8_t out[32], const acc *a) {
  uint64_t r[4] = {0, 0, 0, 0};
  for (int bit = ACC_LIMBS * 64 - 1; bit >= 0; bit--) {
    r[3] = (r[3] << 1) | (r[2] >> 63);
    r[2] = (r[2] << 1) | (r[1] >> 63);
    r[1] = (r[1] << 1) | (r[0] >> 63);
    r[0] = (r[0] << 1) | ((a->v[bit / 64] >> (bit % 64)) & 1);
    int ge_l = 1;
    for (int i = 3; i >= 0; i--) {
      if (r[i] != SC_L[i]) {
        ge_l = r[i] > SC_L[i];
        break;
      }
    }
    if (ge_l) {
      uint64_t borrow = 0;
      for (int i = 0; i < 4; i++) {
        u128 t = (u128)r[i] - SC_L[i] - borrow;
        r[i] = (uint64_t)t;
        borrow = (uint64_t)(t >> 64) & 1;
      }
    }
  }
  memcpy(out, r, 32);
}

/* ---- SHA-512 (FIPS 180-4) ---- */

static const uint64_t K512[80] = {
  0x428a2f98d728ae22ULL, 0x7137449123ef65cdULL, 0xb5c0fbcfec4d3b2fULL, 0xe9b5dba58189dbbcULL,
  0x3956c25bf348b538ULL, 0x59f111f1b605d019ULL, 0x923f82a4af194f9bULL, 0xab1c5ed5da6d8118ULL,
  0xd807aa98a3030242ULL, 0x12835b0145706fbeULL, 0x243185be4ee4b28cULL, 0x550c7dc3d5ffb4e2ULL,
  0x72be5d74f27b896fULL, 0x80deb1fe3b1696b1ULL, 0x9bdc06a725c71235ULL, 0xc19bf174cf692694ULL,
  0xe49b69c19ef14ad2ULL, 0xefbe4786384f25e3ULL, 0x0fc19dc68b8cd5b5ULL, 0x240ca1cc77ac9c65ULL,
  0x2de92c6f592b0275ULL, 0x4a7484aa6ea6e483ULL, 0x5cb0a9dcbd41fbd4ULL, 0x76f988da831153b5ULL,
  0x983e5152ee66dfabULL, 0xa831c66d2db43210ULL, 0xb00327c898fb213fULL, 0xbf597fc7beef0ee4ULL,
  0xc6e00bf33da88fc2ULL, 0xd5a79147930aa725ULL, 0x06ca6351e003826fULL, 0x142929670a0e6e70ULL,
  0x27b70a8546d22ffcULL, 0x2e1b21385c26c926ULL, 0x4d2c6dfc5ac42aedULL, 0x53380d139d95b3dfULL,
  0x650a73548baf63deULL, 0x766a0abb3c77b2a8ULL, 0x81c2c92e47edaee6ULL, 0x92722c851482353bULL,
  0xa2bfe8a14cf10364ULL, 0xa81a664bbc423001ULL, 0xc24b8b70d0f89791ULL, 0xc76c51a30654be30ULL,
  0xd192e819d6ef5218ULL, 0xd69906245565a910ULL, 0xf40e35855771202aULL, 0x106aa07032bbd1b8ULL,
  0x19a4c116b8d2d0c8ULL, 0x1e376c085141ab53ULL, 0x2748774cdf8eeb99ULL, 0x34b0bcb5e19b48a8ULL,
  0x391c0cb3c5c95a63ULL, 0x4ed8aa4ae3418acbULL, 0x5b9cca4f7763e373ULL, 0x682e6ff3d6b2b8a3ULL,
  0x748f82ee5defb2fcULL, 0x78a5636f43172f60ULL, 0x84c87814a1f0ab72ULL, 0x8cc702081a6439ecULL,
  0x90befffa23631e28ULL, 0xa4506cebde82bde9ULL, 0xbef9a3f7b2c67915ULL, 0xc67178f2e372532bULL,
  0xca273eceea26619cULL, 0xd186b8c721c0c207ULL, 0xeada7dd6cde0eb1eULL, 0xf57d4f7fee6ed178ULL,
  0x06f067aa72176fbaULL, 0x0a637dc5a2c898a6ULL, 0x113f9804bef90daeULL, 0x1b710b35131c471bULL,
  0x28db77f523047d84ULL, 0x32caab7b40c72493ULL, 0x3c9ebe0a15c9bebcULL, 0x431d67c49c100d4cULL,
  0x4cc5d4becb3e42b6ULL, 0x597f299cfc657e2aULL, 0x5fcb6fab3ad6faecULL, 0x6c44198c4a475817ULL,
};
static const uint64_t H512[8] = {
  0x6a09e667f3bcc908ULL, 0xbb67ae8584caa73bULL, 0x3c6ef372fe94f82bULL, 0xa54ff53a5f1d36f1ULL,
  0x510e527fade682d1ULL, 0x9b05688c2b3e6c1fULL, 0x1f83d9abfb41bd6bULL, 0x5be0cd19137e2179ULL,
};

typedef struct {
  uint64_t h[8];
  uint8_t buf[128];
  size_t fill;
  uint64_t total;
} sha512;

#define ROR(x, n) (((x) >> (n)) | ((x) << (64 - (n))))

static inline uint64_t load64_be(const uint8_t *s) {
  uint64_t x = 0;
  for (int i = 0; i < 8; i++) x = (x << 8) | s[i];
  return x;
}

static void sha512_block(uint64_t h[8], const uint8_t *p) {
  uint64_t w[80];
  for (int i = 0; i < 16; i++) w[i] = load64_be(p + 8 * i);
  for (int i = 16; i < 80; i++) {
    uint64_t s0 = ROR(w[i - 15], 1) ^ ROR(w[i - 15], 8) ^ (w[i - 15] >> 7);
    uint64_t s1 = ROR(w[i - 2], 19) ^ ROR(w[i - 2], 61) ^ (w[i - 2] >> 6);
    w[i] = w[i - 16] + s0 + w[i - 7] + s1;
  }
  uint64_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];
  for (int i = 0; i < 80; i++) {
    uint64_t t1 = hh + (ROR(e, 14) ^ ROR(e, 18) ^ ROR(e, 41)) + ((e & f) ^ (~e & g)) + K512[i] + w[i];
    uint64_t t2 = (ROR(a, 28) ^ ROR(a, 34) ^ ROR(a, 39)) + ((a & b) ^ (a & c) ^ (b & c));
    hh = g; g = f; f = e; e = d + t1; d = c; c = b; b = a; a = t1 + t2;
  }
  h[0] += a; h[1] += b; h[2] += c; h[3] += d; h[4] += e; h[5] += f; h[6] += g; h[7] += hh;
}

static void sha512_init(sha512 *s) {
  memcpy(s->h, H512, sizeof H512);
  s->fill = 0;
  s->total = 0;
}

static void sha512_update(sha512 *s, const uint8_t *p, size_t n) {
  s->total += n;
  if (s->fill) {
    size_t take = 128 - s->fill < n ? 128 - s->fill : n;
    memcpy(s->buf + s->fill, p, take);
    s->fill += take;
    p += take;
    n -= take;
    if (s->fill < 128) return;
    sha512_block(s->h, s->buf);
    s->fill = 0;
  }
  for (; n >= 128; p += 128, n -= 128) sha512_block(s->h, p);
  memcpy(s->buf, p, n);
  s->fill = n;
}

static void sha512_final(sha512 *s, uint8_t out[64]) {
  uint64_t bits = s->total * 8;
  s->buf[s->fill++] = 0x80;
  if (s->fill > 112) {
    memset(s->buf + s->fill, 0, 128 - s->fill);
    sha512_block(s->h, s->buf);
    s->fill = 0;
  }
  memset(s->buf + s->fill, 0, 128 - s->fill);
  for (int i = 0; i < 8; i++) s->buf[127 - i] = (uint8_t)(bits >> (8 * i)); /* length < 2^64 bits */
  sha512_block(s->h, s->buf);
  for (int i = 0; i < 8; i++)
    for (int j = 0; j < 8; j++) out[8 * i + j] = (uint8_t)(s->h[i] >> (56 - 8 * j));
}

/* ---- multi-scalar multiplication ---- */

/* Σ [scalar_k] P_k for a few points and full 256-bit scalars (Straus, 4-bit windows). */
static int ge_straus(ge *out, const ge *points, const uint8_t (*scalars)[32], size_t count) {
  ge_cached(*table)[16] = malloc(count * sizeof *table);
  if (!table) return 0;
  for (size_t k = 0; k < count; k++) {
    ge acc;
    ge_identity(&acc);
    ge_to_cached(&table[k][0], &acc);
    ge_to_cached(&table[k][1], &points[k]);
    acc = points[k];
    for (int m = 2; m < 16; m++) {
      ge_add(&acc, &acc, &table[k][1]);
      ge_to_cached(&table[k][m], &acc);
    }
  }
  ge_identity(out);
  for (int i = 63; i >= 0; i--) {
    if (i != 63)
      for (int d = 0; d < 4; d++) ge_dbl(out, out);
    for (size_t k = 0; k < count; k++) {
      int nib = (scalars[k][i / 2] >> (4 * (i & 1))) & 15;
      if (nib) ge_add(out, out, &table[k][nib]);
    }
  }
  free(table);
  return 1;
}

/* Σ [z_i] R_i for many points and 128-bit scalars (Pippenger's bucket method). */
static int ge_pippenger(ge *out, const ge_niels *points, const uint8_t *z, size_t n) {
  int c = 4;
  while (c < 10 && ((size_t)1 << (c + 3)) < n) c++;
  const size_t nbuckets = ((size_t)1 << c) - 1;
  ge *buckets = malloc(nbuckets * sizeof *buckets);
  if (!buckets) return 0;
  const int windows = (128 + c - 1) / c;
  ge_identity(out);
  for (int w = windows - 1; w >= 0; w--) {
    for (int d = 0; d < c; d++) ge_dbl(out, out);
    for (size_t b = 0; b < nbuckets; b++) ge_identity(&buckets[b]);
    for (size_t i = 0; i < n; i++) {
      u128 zi = (u128)load64(z + 16 * i) | ((u128)load64(z + 16 * i + 8) << 64);
      size_t digit = (size_t)(zi >> (w * c)) & nbuckets;
      if (digit) ge_add_niels(&buckets[digit - 1], &buckets[digit - 1], &points[i]);
    }
    /* Σ_d d·bucket_d as a running sum from the top bucket down. */
    ge running, sum;
    ge_cached cached;
    ge_identity(&running);
    ge_identity(&sum);
    for (size_t b = nbuckets; b-- > 0;) {
      ge_to_cached(&cached, &buckets[b]);
      ge_add(&running, &running, &cached);
      ge_to_cached(&cached, &running);
      ge_add(&sum, &sum, &cached);
    }
    ge_to_cached(&cached, &sum);
    ge_add(out, out, &cached);
  }
  free(buckets);
  return 1;
}

/* 1 when [L]A is the identity, i.e. A has no small-order component. */
static int ge_torsion_free(const ge *a) {
  uint8_t l[32];
  ge r;
  memcpy(l, SC_L, 32);
  return ge_straus(&r, a, (const uint8_t(*)[32])l, 1) && ge_is_identity(&r);
}

/*
 * Verify n Ed25519 signatures at once.
 *   msgs + offsets[i] .. offsets[i+1]  message i (offsets has n + 1 entries)
 *   sigs + 64 i                        signature i (R ‖ s)
 *   keys + 32 key_of[i]                public key of signature i (key_of[i] < nkeys)
 *   z + 16 i                           128 random bits for signature i
 * Returns 1 when every signature is valid, 0 when at least one is not or an input is outside
 * what the batch equation vouches for, −1 on bad arguments or exhausted memory.
 */
int malachor_ed25519_verify_batch(uint32_t n, const uint8_t *msgs, const uint32_t *offsets,
                                  const uint8_t *sigs, const uint32_t *key_of, uint32_t nkeys,
                                  const uint8_t *keys, const uint8_t *z) {
  if (n == 0) return 1;
  if (nkeys == 0) return -1;
  int result = -1;
  ge_niels *rs = malloc((size_t)n * sizeof *rs);
  ge *terms = malloc(((size_t)nkeys + 1) * sizeof *terms);
  uint8_t(*scalars)[32] = malloc(((size_t)nkeys + 1) * sizeof *scalars);
  acc *hsum = calloc(nkeys, sizeof *hsum);
  acc ssum;
  memset(&ssum, 0, sizeof ssum);
  if (!rs || !terms || !scalars || !hsum) goto done;

  result = 0;
  /* terms[0] = B with Σ z s; terms[1 + j] = −A_j with Σ z h over A_j's signatures. */
  terms[0].X = FE_BX;
  terms[0].Y = FE_BY;
  fe_1(&terms[0].Z);
  terms[0].T = FE_BT;
  for (uint32_t j = 0; j < nkeys; j++) {
    ge a;
    if (!ge_frombytes(&a, keys + 32 * (size_t)j) || !ge_torsion_free(&a)) goto done;
    ge_neg(&terms[1 + j], &a);
  }
  for (uint32_t i = 0; i < n; i++) {
    const uint8_t *sig = sigs + 64 * (size_t)i;
    const uint32_t j = key_of[i];
    if (j >= nkeys || offsets[i] > offsets[i + 1]) {
      result = -1;
      goto done;
    }
    if (!sc_is_canonical(sig + 32)) goto done;
    ge r;
    if (!ge_frombytes(&r, sig)) goto done;
    fe_add(&rs[i].YpX, &r.Y, &r.X);
    fe_sub(&rs[i].YmX, &r.Y, &r.X);
    fe_mul(&rs[i].T2d, &r.T, &FE_D2);

    uint8_t digest[64];
    sha512 h;
    sha512_init(&h);
    sha512_update(&h, sig, 32);
    sha512_update(&h, keys + 32 * (size_t)j, 32);
    sha512_update(&h, msgs + offsets[i], offsets[i + 1] - offsets[i]);
    sha512_final(&h, digest);

    const uint8_t *zb = z + 16 * (size_t)i;
    uint64_t zi[2] = {load64(zb), load64(zb + 8)};
    uint64_t hv[8], sv[4];
    for (int k = 0; k < 8; k++) hv[k] = load64(digest + 8 * k);
    for (int k = 0; k < 4; k++) sv[k] = load64(sig + 32 + 8 * k);
    acc_muladd(&hsum[j], hv, 8, zi);
    acc_muladd(&ssum, sv, 4, zi);
  }
  acc_reduce(scalars[0], &ssum);
  for (uint32_t j = 0; j < nkeys; j++) acc_reduce(scalars[1 + j], &hsum[j]);

  ge p, q;
  ge_cached qc;
  if (!ge_straus(&p, terms, (const uint8_t(*)[32])scalars, (size_t)nkeys + 1) || !ge_pippenger(&q, rs, z, n)) {
    result = -1;
    goto done;
  }
  ge_to_cached(&qc, &q);
  ge_cached_neg(&qc, &qc);
  ge_add(&p, &p, &qc);
  for (int d = 0; d < 3; d++) ge_dbl(&p, &p);
  result = ge_is_identity(&p);

done:
  free(rs);
  free(terms);
  free(scalars);
  free(hsum);
  return result;
}

/* A batch running on its own thread: copies of the caller's arrays, and the verdict once joined. */
typedef struct {
  pthread_t tid;
  int started;
  uint32_t n, nkeys;
  uint8_t *msgs, *sigs, *keys, *z;
  uint32_t *offsets, *key_of;
  int result;
  atomic_int ready;
} job;

static void *run_job(void *arg) {
  job *j = arg;
  j->result = malachor_ed25519_verify_batch(j->n, j->msgs, j->offsets, j->sigs, j->key_of, j->nkeys, j->keys, j->z);
  atomic_store(&j->ready, 1);
  return NULL;
}

static void *dup_bytes(const void *p, size_t n) {
  void *q = malloc(n ? n : 1);
  if (q && n) memcpy(q, p, n);
  return q;
}

static void job_free(job *j) {
  free(j->msgs);
  free(j->sigs);
  free(j->keys);
  free(j->z);
  free(j->offsets);
  free(j->key_of);
  free(j);
}

/*
 * Start malachor_ed25519_verify_batch on a thread of its own, so the caller can go on (preparing
 * the next batch) meanwhile; the arguments are copied, so the caller's buffers may go at once.
 * Returns a handle for malachor_ed25519_batch_finish, or NULL when memory is exhausted.
 */
void *malachor_ed25519_batch_start(uint32_t n, const uint8_t *msgs, const uint32_t *offsets, const uint8_t *sigs,
                                   const uint32_t *key_of, uint32_t nkeys, const uint8_t *keys, const uint8_t *z) {
  job *j = calloc(1, sizeof *j);
  if (!j) return NULL;
  atomic_init(&j->ready, 0);
  j->n = n;
  j->nkeys = nkeys;
  j->offsets = dup_bytes(offsets, ((size_t)n + 1) * sizeof *offsets);
  j->msgs = j->offsets ? dup_bytes(msgs, j->offsets[n]) : NULL;
  j->sigs = dup_bytes(sigs, (size_t)n * 64);
  j->key_of = dup_bytes(key_of, (size_t)n * sizeof *key_of);
  j->keys = dup_bytes(keys, (size_t)nkeys * 32);
  j->z = dup_bytes(z, (size_t)n * 16);
  if (!j->offsets || !j->msgs || !j->sigs || !j->key_of || !j->keys || !j->z) {
    job_free(j);
    return NULL;
  }
  j->started = pthread_create(&j->tid, NULL, run_job, j) == 0;
  if (!j->started) run_job(j);
  return j;
}

/* 1 once a started batch has its verdict (finishing it will not block), else 0. */
int malachor_ed25519_batch_ready(void *handle) {
  return atomic_load(&((job *)handle)->ready);
}

/* Wait for a started batch, release it, and return its verdict (as malachor_ed25519_verify_batch). */
int malachor_ed25519_batch_finish(void *handle) {
  job *j = handle;
  if (j->started) pthread_join(j->tid, NULL);
  int r = j->result;
  job_free(j);
  return r;
}
