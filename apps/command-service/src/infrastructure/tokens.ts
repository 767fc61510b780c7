export const KAFKA = Symbol('KAFKA');
export const TOPICS = Symbol('TOPICS');
