// SCAFFOLD: replaced by the real service.
import type { Deps } from '../container.js';
import type { SessionService } from './session-service.js';

export class AvatarService {
  constructor(...args: [deps: Deps, sessions: SessionService]) {
    void args;
  }
}
