// The losses against PyTorch on the cpu backend (values and gradients); see reference-suite.ts.
import { defineReferenceSuite } from './reference-suite.js';

defineReferenceSuite('cpu');
