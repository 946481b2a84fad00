// A worker thread of `reclens analyze` (src/cli/threadTensorGram.ts): runs src/cli/gramThread.ts through tsx.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/gramThread.ts');
