// SCAFFOLD: replaced by the real service.
import type { Deps } from '../container.js';
import type { SessionService } from './session-service.js';

export class AdminService {
  static async promoteConfiguredAdmins(_deps: Deps): Promise<number> {
    return 0;
  }
  constructor(...args: [deps: Deps, sessions: SessionService]) {
    void args;
  }
}
