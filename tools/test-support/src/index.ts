export {
  buildBzImage,
  BZIMAGE_FIXTURE_DEFAULTS,
  payloadByte,
  type BzImageFixtureOptions,
} from './bzimage.js';
export { SeededRandom } from './seeded-random.js';
