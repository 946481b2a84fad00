import { lesson1 } from './lesson1Collapse.ts';
import { lesson2 } from './lesson2Interaction.ts';
import { lesson3 } from './lesson3Scaling.ts';
import { lesson4 } from './lesson4AdaTask.ts';
import { lesson5 } from './lesson5Stem.ts';
import { lesson6 } from './lesson6Decoupled.ts';
import type { Lesson, LessonEntry } from './lessonTypes.ts';

/** Every lesson in teaching order. */
export const LESSONS: LessonEntry[] = [lesson1, lesson2, lesson3, lesson4, lesson5, lesson6].map((lesson) => ({
  id: lesson.id,
  title: lesson.title,
  available: true,
  lesson,
}));

export function findLesson(id: number): Lesson | null {
  const entry = LESSONS.find((l) => l.id === id);
  return entry?.available ? entry.lesson : null;
}
