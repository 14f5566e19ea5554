// A small generator of jet images in the spirit of Farina, Nakai & Shih, "Searching for New
// Physics with Deep Autoencoders" (arXiv:1808.08992). It is NOT a physics event generator:
// no matrix elements, no real parton shower, no detector simulation. It draws partons with
// the right decay kinematics (top → b W, W → q q̄), dresses each with a toy soft/collinear
// shower and a toy hadronisation, adds a little soft noise, and preprocesses the particles
// into 40 × 40 images the way the paper does. See README.md for what this means.

/** Pixels per image side. */
export const SIDE = 40;
/** Pixel size in η and in φ. The image covers about ±1.0 around the leading subjet. */
export const PIXEL = 0.05;
/** Pixel (row and column, from 0) that holds the leading subjet after centring. */
export const CENTRE = 20;

const TOP_MASS = 173.0;
const TOP_WIDTH = 1.4;
const W_MASS = 80.4;
const W_WIDTH = 2.1;
/** Fixed strong coupling of the toy shower. */
const ALPHA_S = 0.08;
const C_F = 4 / 3;
const C_A = 3;
/**
 * Emission angles θ ∈ [THETA_MIN, θmax], log-uniform. Momentum fractions z, log-uniform: soft
 * emissions in [Z_MIN, Z_HARD], hard ones in [Z_HARD, Z_MAX].
 */
const THETA_MIN = 0.01;
const Z_MIN = 0.002;
const Z_HARD = 0.05;
const Z_MAX = 0.5;
/** Jet radius: particles further than this from the jet axis are not part of the jet. */
const JET_RADIUS = 1.0;
/** Scale (GeV) of the angular spread of hadrons around their parton: σ = min(0.3, Λ / pT). */
const LAMBDA_HAD = 1.0;
/** Radius of the cones that find subjets. */
const SUBJET_RADIUS = 0.2;

/** A massless particle: transverse momentum (GeV) and direction. */
export interface Particle {
  pt: number;
  eta: number;
  phi: number;
}

/** A seeded uniform generator on [0, 1) (mulberry32). */
export function rng32(seed: number): () => number {
  let a = (seed ^ 0x9e3779b9) >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Rng = () => number;

function normal(rng: Rng): number {
  const u = 1 - rng();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
}

function poisson(rng: Rng, lambda: number): number {
  const limit = Math.exp(-lambda);
  let k = 0;
  let p = rng();
  while (p > limit) {
    k++;
    p *= rng();
  }
  return k;
}

function logUniform(rng: Rng, lo: number, hi: number): number {
  return lo * Math.exp(rng() * Math.log(hi / lo));
}

/** A Breit–Wigner mass, truncated to ±5 widths. */
function breitWigner(rng: Rng, mass: number, width: number): number {
  for (;;) {
    const m = mass + (width / 2) * Math.tan(Math.PI * (rng() - 0.5));
    if (Math.abs(m - mass) < 5 * width) return m;
  }
}

type Vec4 = [e: number, px: number, py: number, pz: number];

/** Boosts `p` by the velocity `b` (|b| < 1). */
function boost(p: Vec4, b: readonly [number, number, number]): Vec4 {
  const b2 = b[0] * b[0] + b[1] * b[1] + b[2] * b[2];
  if (b2 === 0) return p;
  const gamma = 1 / Math.sqrt(1 - b2);
  const bp = b[0] * p[1] + b[1] * p[2] + b[2] * p[3];
  const k = ((gamma - 1) * bp) / b2 + gamma * p[0];
  return [gamma * (p[0] + bp), p[1] + k * b[0], p[2] + k * b[1], p[3] + k * b[2]];
}

function randomDirection(rng: Rng): [number, number, number] {
  const cos = 2 * rng() - 1;
  const sin = Math.sqrt(1 - cos * cos);
  const phi = 2 * Math.PI * rng();
  return [sin * Math.cos(phi), sin * Math.sin(phi), cos];
}

function toParticle(p: Vec4): Particle {
  const pt = Math.hypot(p[1], p[2]);
  return { pt, eta: Math.asinh(p[3] / pt), phi: Math.atan2(p[2], p[1]) };
}

function deltaR(a: { eta: number; phi: number }, b: { eta: number; phi: number }): number {
  return Math.hypot(a.eta - b.eta, a.phi - b.phi);
}

/**
 * Hadronisation: a parton becomes 1 + Poisson(1.5) massless hadrons that share its pT and
 * spread around it by σ = min(0.3, Λ / pT) (soft partons spread wide, hard ones stay narrow).
 */
function hadronise(parton: Particle, rng: Rng, out: Particle[]): void {
  const k = 1 + poisson(rng, 1.5);
  const weights = Array.from({ length: k }, () => 0.2 + rng());
  const total = weights.reduce((s, w) => s + w, 0);
  const sigma = Math.min(0.3, LAMBDA_HAD / parton.pt);
  for (const w of weights) {
    out.push({ pt: (parton.pt * w) / total, eta: parton.eta + sigma * normal(rng), phi: parton.phi + sigma * normal(rng) });
  }
}

/** Expected number of emissions of density `(2 C αs / π) dθ/θ dz/z` in a (θ, z) rectangle. */
function emissions(colour: number, thetaMin: number, thetaMax: number, zMin: number, zMax: number): number {
  return ((2 * colour * ALPHA_S) / Math.PI) * Math.log(thetaMax / thetaMin) * Math.log(zMax / zMin);
}

/**
 * A toy shower of one parton. Emissions follow the soft/collinear density
 * `(2 C αs / π) dθ/θ dz/z` (C = 4/3 for a quark, 3 for a gluon) with θ ∈ [0.01, θmax]:
 * Poisson-many soft ones (z ∈ [0.002, 0.05]) and at most one hard one (z ∈ [0.05, 0.5]: of the
 * Poisson-many hard candidates only the one of largest transverse momentum z·θ is kept, so a jet
 * gets at most one extra hard prong per parton, as the hardest splitting of a real shower; a
 * third hard prong in a QCD jet costs another power of αs). Each emission, in order of
 * decreasing angle, takes a fraction z of what the parton still carries, with recoil; then every
 * parton is hadronised.
 */
function shower(parton: Particle, colour: number, thetaMax: number, rng: Rng, out: Particle[]): void {
  const drawn: { theta: number; z: number }[] = [];
  const soft = poisson(rng, emissions(colour, THETA_MIN, thetaMax, Z_MIN, Z_HARD));
  for (let k = 0; k < soft; k++) drawn.push({ theta: logUniform(rng, THETA_MIN, thetaMax), z: logUniform(rng, Z_MIN, Z_HARD) });
  const hard = poisson(rng, emissions(colour, THETA_MIN, thetaMax, Z_HARD, Z_MAX));
  let hardest: { theta: number; z: number } | null = null;
  for (let k = 0; k < hard; k++) {
    const e = { theta: logUniform(rng, THETA_MIN, thetaMax), z: logUniform(rng, Z_HARD, Z_MAX) };
    if (hardest === null || e.z * e.theta > hardest.z * hardest.theta) hardest = e;
  }
  if (hardest !== null) drawn.push(hardest);
  drawn.sort((a, b) => b.theta - a.theta);
  let { pt, eta, phi } = parton;
  for (const { theta, z } of drawn) {
    const psi = 2 * Math.PI * rng();
    const dEta = theta * Math.cos(psi);
    const dPhi = theta * Math.sin(psi);
    const emitted = { pt: z * pt, eta: eta + (1 - z) * dEta, phi: phi + (1 - z) * dPhi };
    // Recoil: the pT-weighted direction of the pair stays where the parent was.
    eta -= z * dEta;
    phi -= z * dPhi;
    pt *= 1 - z;
    hadronise(emitted, rng, out);
  }
  hadronise({ pt, eta, phi }, rng, out);
}

/** Soft noise spread over the jet area (underlying event): Poisson(6) particles of ~0.5 GeV. */
function softNoise(rng: Rng, out: Particle[]): void {
  const n = poisson(rng, 6);
  for (let k = 0; k < n; k++) {
    out.push({ pt: -0.5 * Math.log(1 - rng()), eta: (2 * rng() - 1) * JET_RADIUS, phi: (2 * rng() - 1) * JET_RADIUS });
  }
}

/** Jet transverse momentum, uniform in [800, 900] GeV as in the paper. */
function jetPt(rng: Rng): number {
  return 800 + 100 * rng();
}

/** A QCD-like jet: one hard quark (half the time) or gluon (the other half), showered. */
export function qcdJet(rng: Rng): Particle[] {
  const out: Particle[] = [];
  shower({ pt: jetPt(rng), eta: 0, phi: 0 }, rng() < 0.5 ? C_F : C_A, JET_RADIUS, rng, out);
  softNoise(rng, out);
  return out;
}

/**
 * The three partons of a boosted top: t → b W⁺, W⁺ → q q̄′ with Breit–Wigner masses, decayed
 * isotropically in the rest frames and boosted to pT ∈ [800, 900] GeV at η = φ = 0. Tops whose
 * partons do not all lie within ΔR < 0.8 of the top direction are drawn again (fully contained,
 * "matched" top jets). Masses: m(q q̄′) = m_W and m(b q q̄′) = m_t exactly.
 */
export function topPartons(rng: Rng): Particle[] {
  for (;;) {
    const mt = breitWigner(rng, TOP_MASS, TOP_WIDTH);
    const mw = breitWigner(rng, W_MASS, W_WIDTH);
    if (mw >= mt) continue;
    // Top rest frame: b (massless) and W back to back.
    const p = (mt * mt - mw * mw) / (2 * mt);
    const n = randomDirection(rng);
    const b: Vec4 = [p, p * n[0], p * n[1], p * n[2]];
    const ew = Math.sqrt(p * p + mw * mw);
    // W rest frame: q and q̄′ back to back, then boosted by the W's velocity in the top frame.
    const m = randomDirection(rng);
    const h = mw / 2;
    const betaW: [number, number, number] = [(-p * n[0]) / ew, (-p * n[1]) / ew, (-p * n[2]) / ew];
    const q = boost([h, h * m[0], h * m[1], h * m[2]], betaW);
    const qbar = boost([h, -h * m[0], -h * m[1], -h * m[2]], betaW);
    // Lab frame: the top moves along x with the jet pT (η = 0, φ = 0).
    const pt = jetPt(rng);
    const betaT: [number, number, number] = [pt / Math.hypot(pt, mt), 0, 0];
    const partons = [b, q, qbar].map((v) => toParticle(boost(v, betaT)));
    if (partons.every((a) => deltaR(a, { eta: 0, phi: 0 }) < 0.8)) return partons;
  }
}

/** A top-like jet: the three decay partons, each showered (angular ordering: up to the nearest other prong). */
export function topJet(rng: Rng): Particle[] {
  const partons = topPartons(rng);
  const out: Particle[] = [];
  for (const parton of partons) {
    const nearest = Math.min(...partons.filter((o) => o !== parton).map((o) => deltaR(o, parton)));
    shower(parton, C_F, Math.max(2 * THETA_MIN, Math.min(JET_RADIUS, nearest)), rng, out);
  }
  softNoise(rng, out);
  return out;
}

/** Invariant mass (GeV) of massless particles. */
export function invariantMass(particles: readonly Particle[]): number {
  let e = 0;
  let px = 0;
  let py = 0;
  let pz = 0;
  for (const { pt, eta, phi } of particles) {
    e += pt * Math.cosh(eta);
    px += pt * Math.cos(phi);
    py += pt * Math.sin(phi);
    pz += pt * Math.sinh(eta);
  }
  return Math.sqrt(Math.max(0, e * e - px * px - py * py - pz * pz));
}

interface Subjet {
  pt: number;
  eta: number;
  phi: number;
}

/**
 * Subjets by greedy cones: the hardest particle not yet used seeds a cone of radius 0.2; the
 * cone's pT-weighted centroid is a subjet. Up to `max` cones, sorted by pT.
 */
export function subjets(particles: readonly Particle[], max = 3): Subjet[] {
  const used = new Uint8Array(particles.length);
  const order = particles.map((_, i) => i).sort((a, b) => particles[b]!.pt - particles[a]!.pt);
  const found: Subjet[] = [];
  for (const seed of order) {
    if (found.length === max) break;
    if (used[seed]) continue;
    const s = particles[seed]!;
    let pt = 0;
    let eta = 0;
    let phi = 0;
    particles.forEach((p, i) => {
      if (!used[i] && deltaR(p, s) < SUBJET_RADIUS) {
        used[i] = 1;
        pt += p.pt;
        eta += p.pt * p.eta;
        phi += p.pt * p.phi;
      }
    });
    found.push({ pt, eta: eta / pt, phi: phi / pt });
  }
  return found.sort((a, b) => b.pt - a.pt);
}

/**
 * The paper's preprocessing, done on the particles before pixelisation (so that no image is
 * interpolated): (1) translate so that the leading subjet is at the origin; (2) rotate about it
 * so that the second subjet points straight up (towards row 0); (3) flip η so that the third
 * subjet (or, without one, the pT-weighted η of all particles) lies on the right; (4) pixelise
 * into 40 × 40 pixels of 0.05 × 0.05 (pixel intensity = total pT in the pixel; the leading
 * subjet in pixel (20, 20)); (5) normalise so that the pixel intensities sum to 1.
 *
 * @returns the image, row-major: row = φ′ (row 0 at the top), column = η′.
 */
export function jetImage(particles: readonly Particle[]): Float32Array {
  const inJet = particles.filter((p) => Math.hypot(p.eta, p.phi) < JET_RADIUS);
  const sj = subjets(inJet);
  const lead = sj[0]!;
  let moved = inJet.map((p) => ({ pt: p.pt, eta: p.eta - lead.eta, phi: p.phi - lead.phi }));
  const second = sj[1];
  // Angle of the second subjet (or of the pT-weighted principal axis without one).
  let angle: number;
  if (second !== undefined) {
    angle = Math.atan2(second.phi - lead.phi, second.eta - lead.eta);
  } else {
    let see = 0;
    let spp = 0;
    let sep = 0;
    for (const p of moved) {
      see += p.pt * p.eta * p.eta;
      spp += p.pt * p.phi * p.phi;
      sep += p.pt * p.eta * p.phi;
    }
    angle = 0.5 * Math.atan2(2 * sep, see - spp);
  }
  // Rotate by (−π/2 − angle): the second subjet goes to negative φ′, i.e. towards row 0 below.
  const rot = -Math.PI / 2 - angle;
  const c = Math.cos(rot);
  const s = Math.sin(rot);
  moved = moved.map((p) => ({ pt: p.pt, eta: c * p.eta - s * p.phi, phi: s * p.eta + c * p.phi }));
  const third = sj[2];
  let side: number;
  if (third !== undefined) {
    const dx = third.eta - lead.eta;
    const dy = third.phi - lead.phi;
    side = c * dx - s * dy;
  } else {
    side = moved.reduce((acc, p) => acc + p.pt * p.eta, 0);
  }
  const flip = side < 0 ? -1 : 1;
  const image = new Float32Array(SIDE * SIDE);
  let total = 0;
  for (const p of moved) {
    const col = CENTRE + Math.round((flip * p.eta) / PIXEL);
    const row = CENTRE + Math.round(p.phi / PIXEL);
    if (row < 0 || row >= SIDE || col < 0 || col >= SIDE) continue;
    image[row * SIDE + col]! += p.pt;
    total += p.pt;
  }
  for (let i = 0; i < image.length; i++) image[i]! /= total;
  return image;
}

/** What {@link makeJets} returns. */
export interface JetSample {
  /** `n` images of 40 × 40, row-major, one after the other: `n · 1600` values. */
  images: Float32Array;
  /** The jet masses (GeV) of the particles inside the jet radius, before pixelisation. */
  masses: Float32Array;
}

/** `n` jet images of one kind, reproducible from `seed`. */
export function makeJets(kind: 'qcd' | 'top', n: number, seed: number): JetSample {
  const rng = rng32(seed);
  const images = new Float32Array(n * SIDE * SIDE);
  const masses = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const particles = kind === 'qcd' ? qcdJet(rng) : topJet(rng);
    images.set(jetImage(particles), i * SIDE * SIDE);
    masses[i] = invariantMass(particles.filter((p) => Math.hypot(p.eta, p.phi) < JET_RADIUS));
  }
  return { images, masses };
}
