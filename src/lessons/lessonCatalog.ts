import { lesson1 } from './lesson1Collapse.ts';
import type { Lesson, LessonEntry } from './lessonTypes.ts';

const TRAINING = 'its lesson script for the Train view (not written yet)';
const MULTITASK = 'its lesson script for the Multi-task view (not written yet)';

/** Every lesson in teaching order; later ones wait for the views they read. */
export const LESSONS: LessonEntry[] = [
  { id: 1, title: lesson1.title, available: true, lesson: lesson1 },
  { id: 2, title: 'Bigger embeddings, same collapse: multi-embedding', available: false, needs: TRAINING },
  { id: 3, title: 'Interaction collapse: a weak field drags others down', available: false, needs: TRAINING },
  { id: 4, title: 'One task takes over the shared layers (AdaTask)', available: false, needs: MULTITASK },
  { id: 5, title: 'When tasks disagree: interest entanglement (STEM)', available: false, needs: MULTITASK },
];

export function findLesson(id: number): Lesson | null {
  const entry = LESSONS.find((l) => l.id === id);
  return entry?.available ? entry.lesson : null;
}
