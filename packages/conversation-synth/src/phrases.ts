/** The pieces synthetic posts are written from: Colombian political talk, by tone and theme. */

export const THEMES = [
  {
    label: 'seguridad',
    phrases: [
      'la propuesta de seguridad',
      'lo que dijo sobre seguridad en Cali',
      'el plan contra la extorsión',
      'la seguridad en las regiones',
    ],
  },
  { label: 'salud', phrases: ['la reforma a la salud', 'lo de las EPS', 'el plan de hospitales públicos'] },
  {
    label: 'empleo',
    phrases: ['la propuesta de empleo para jóvenes', 'el tema del empleo', 'los subsidios al primer empleo'],
  },
  { label: 'paz', phrases: ['la paz total', 'los diálogos con los grupos armados', 'la implementación del acuerdo'] },
  {
    label: 'economía',
    phrases: ['la reforma tributaria', 'el precio de la gasolina', 'la inflación y la canasta familiar'],
  },
  { label: 'educación', phrases: ['la matrícula cero', 'la educación pública', 'las becas para universitarios'] },
  {
    label: 'corrupción',
    phrases: ['los escándalos de corrupción', 'la contratación pública', 'los audios que salieron'],
  },
] as const;

export const POSITIVE = [
  '¡Qué buena propuesta!',
  'Por fin alguien que habla claro.',
  'Me convenció, la verdad.',
  'Vamos con toda 💪',
  'Excelente, así se hace.',
  'Eso sí es tener carácter 👏',
  'No está mal, nada mal.',
  'Me gustó mucho, tiene mi voto.',
  'Muy bien explicado, con cifras y todo.',
  'Esa es la Colombia que queremos 🇨🇴',
] as const;

export const NEGATIVE = [
  'Puro humo.',
  'Qué vergüenza, otra vez mintiendo.',
  'No le creo nada 🙄',
  'Eso es un chiste, ¿cierto?',
  'Un desastre total.',
  'Sí claro, muy "transparente" 🙄',
  'Nos quiere ver la cara de bobos.',
  'Pésimo, no tiene ni idea.',
  'Ni de riesgos voto por eso 👎',
  'Qué pena ajena ese discurso.',
] as const;

export const NEUTRAL = [
  'Hoy presenta su plan de gobierno.',
  'Mañana estará en Barranquilla.',
  '¿Alguien sabe a qué hora es la entrevista?',
  'Acá el resumen de lo que dijo.',
  'Habló en la radio esta mañana.',
  'Según la encuesta publicada hoy.',
  'Estos son los puntos principales.',
  'Rueda de prensa a las 3 p. m.',
] as const;

export const OPENERS = ['', '', '', 'Ojo con esto: ', 'Atención: ', 'Lo de ', 'Sobre ', 'Escuchando a '] as const;

export const DEBATE_HASHTAG = '#DebatePresidencial';

/** What the debate night is about: a burst of these phrases and the hashtag. */
export const DEBATE_PHRASES = [
  'la pregunta sobre la reforma pensional',
  'el cara a cara sobre seguridad',
  'la cifra de desempleo que dio',
  'el rifirrafe sobre la reforma pensional',
] as const;

export const CITIES = [
  'Bogotá, Colombia',
  'Medellín',
  'Cali, Valle del Cauca',
  'Barranquilla',
  'Cartagena',
  'Bucaramanga',
  'Pereira',
  'Manizales',
  'Pasto, Nariño',
  'Cúcuta',
  'Ibagué',
  'Villavicencio',
  '',
] as const;

export const FIRST_NAMES = [
  'maria',
  'juan',
  'andrea',
  'carlos',
  'diana',
  'felipe',
  'luisa',
  'santiago',
  'paola',
  'camilo',
  'natalia',
  'julian',
  'sofia',
  'david',
  'valentina',
  'sebastian',
  'laura',
  'mateo',
  'daniela',
  'andres',
] as const;
export const LAST_NAMES = [
  'gomez',
  'rodriguez',
  'lopez',
  'martinez',
  'garcia',
  'hernandez',
  'perez',
  'sanchez',
  'ramirez',
  'torres',
  'diaz',
  'vargas',
  'moreno',
  'rojas',
  'castro',
  'ortiz',
  'jimenez',
  'suarez',
] as const;
export const BIOS = [
  'Abogada. Opiniones personales.',
  'Ingeniero, hincha del Nacional ⚽',
  'Periodista independiente.',
  'Mamá, docente y ciudadana.',
  'Economista | Datos y política pública',
  'Estudiante de la Nacional.',
  'Comerciante. Amo a mi país 🇨🇴',
  '',
] as const;
