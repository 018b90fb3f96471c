/**
 * Contrastive and non-contrastive losses: InfoNCE, NT-Xent, SupCon, alignment/uniformity, BYOL/SimSiam regression, Barlow Twins, VICReg.
 *
 * @packageDocumentation
 * @module @contrastive/losses
 */
export { supConLoss, supConLossOptionsSchema, type SupConLossOptions } from './sup-con';
export { infoNCELoss, infoNCELossOptionsSchema, type InfoNCELossOptions } from './info-nce';
export { ntXentLoss, ntXentLossOptionsSchema, type NtXentLossOptions } from './nt-xent';
export { simSiamLoss } from './sim-siam';
export { byolLoss } from './byol';
export { barlowTwinsLoss, barlowTwinsLossOptionsSchema, type BarlowTwinsLossOptions } from './barlow-twins';
export { vicRegLoss, vicRegLossOptionsSchema, type VicRegLossOptions } from './vic-reg';
export { alignmentLoss, alignmentLossOptionsSchema, type AlignmentLossOptions } from './alignment';
export { uniformityLoss, uniformityLossOptionsSchema, type UniformityLossOptions } from './uniformity';
export { l2Normalize } from './l2-normalize';
export { cosineSimilarity } from './cosine-similarity';
export { stopGradient } from './stop-gradient';
