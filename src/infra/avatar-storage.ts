// SCAFFOLD
export interface AvatarStorage {}
export class LocalAvatarStorage implements AvatarStorage {
  constructor(
    readonly directory: string,
    readonly baseUrl: string,
  ) {}
}
